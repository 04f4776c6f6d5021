package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.TempFiles;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only temporary file holding the content of the file versions a squash keeps, so that
 * the output can be written in sorted order after all layers were read once. Deleted on close.
 */
final class Spool implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final TempFiles tempFiles;
  private final String target;
  private long size;

  /**
   * Creates the spool file in {@code dir} and registers it with {@code tempFiles}, so a signal
   * handler can delete it; {@code target} (the output) names write failures.
   */
  Spool(Path dir, TempFiles tempFiles, String target) throws IOException {
    this.tempFiles = tempFiles;
    this.target = target;
    try {
      this.file = Files.createTempFile(dir, ".ocisquash-spool-", ".tmp");
    } catch (IOException e) {
      throw ImageException.cannotWrite(target, "temporary file in " + dir, e);
    }
    boolean ok = false;
    try {
      tempFiles.register(file);
      this.channel =
          FileChannel.open(
              file,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(file);
        tempFiles.unregister(file);
      }
    }
  }

  /** Copies exactly {@code length} bytes from {@code in}; returns the offset they start at. */
  long append(InputStream in, long length, byte[] scratch) throws IOException {
    long offset = size;
    long left = length;
    while (left > 0) {
      int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
      if (n < 0) {
        throw new EOFException("content ends " + left + " bytes early");
      }
      writeFully(ByteBuffer.wrap(scratch, 0, n));
      left -= n;
    }
    return offset;
  }

  private void writeFully(ByteBuffer b) throws IOException {
    try {
      while (b.hasRemaining()) {
        size += channel.write(b, size);
      }
    } catch (IOException e) {
      // Disk full is the usual cause; say so in terms of the output the user asked for.
      throw ImageException.cannotWrite(target, "temporary file " + file, e);
    }
  }

  /**
   * Reads up to {@code len} bytes at {@code offset}; returns how many were read, or -1 past the
   * end.
   */
  int read(long offset, byte[] buf, int off, int len) throws IOException {
    return channel.read(ByteBuffer.wrap(buf, off, len), offset);
  }

  /** Bytes spooled so far. */
  long size() {
    return size;
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
      tempFiles.unregister(file);
    }
  }
}
