package dev.ocisquash.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link ImageWriter} puts members: a tar with minimal, reproducible ustar headers, or a
 * directory. Member names are short ASCII ({@code blobs/sha256/<hex>}, {@code index.json}, ...), so
 * plain ustar suffices and the full tar writer is not needed here.
 */
abstract class OutputSink implements Closeable {
  /** Adds a directory; {@code name} without trailing slash. */
  abstract void dir(String name) throws IOException;

  /** Adds a file holding {@code data}. */
  abstract void file(String name, byte[] data) throws IOException;

  /**
   * Adds a file whose content is {@code size} bytes copied from {@code src} (with transferTo where
   * possible).
   */
  abstract void file(String name, Path src, long size) throws IOException;

  /** Adds a file of exactly {@code size} bytes read from {@code in}. */
  abstract void file(String name, InputStream in, long size) throws IOException;

  /**
   * Starts a file whose name and size are known only when it ends (a layer named by its digest);
   * returns the stream its content goes to, which the caller must not close. One such file at a
   * time; {@link #endFile} or {@link #dropFile} ends it before anything else is added.
   */
  abstract OutputStream beginFile() throws IOException;

  /** Ends the file begun last: names it {@code name}; {@code size} bytes were written to it. */
  abstract void endFile(String name, long size) throws IOException;

  /**
   * Ends the file begun last by removing it (its bytes are in the output already under the same
   * name).
   */
  abstract void dropFile() throws IOException;

  /**
   * Makes an input layer present in the output without copying its bytes, where the output allows
   * (a registry that has the blob, or can mount it); files never can.
   *
   * @return true when the layer needs no copy
   */
  boolean reuse(OutputLayer l) throws IOException {
    return false;
  }

  /** Completes the output (end-of-archive marker, fsync). */
  abstract void finish() throws IOException;

  /** Bytes written so far. */
  abstract long bytes();

  static long copyExactly(InputStream in, OutputStream out, long size, String name)
      throws IOException {
    byte[] buf = new byte[64 * 1024];
    long done = 0;
    while (true) {
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        break;
      }
      done += n;
      if (done > size) {
        throw new IOException(name + ": source is longer than its declared " + size + " bytes");
      }
      out.write(buf, 0, n);
    }
    if (done != size) {
      throw new IOException(name + ": source has " + done + " bytes, expected " + size);
    }
    return done;
  }

  /** A tar file written through a {@link FileChannel}. */
  static final class Tar extends OutputSink {
    private static final int BLOCK = 512;
    private final FileChannel ch;
    private final long mtime;
    private long pos;

    Tar(Path file, long mtime) throws IOException {
      this.ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
      this.mtime = mtime;
    }

    @Override
    void dir(String name) throws IOException {
      header(name + "/", '5', 0755, 0);
    }

    @Override
    void file(String name, byte[] data) throws IOException {
      header(name, '0', 0644, data.length);
      write(ByteBuffer.wrap(data));
      pad(data.length);
    }

    @Override
    void file(String name, Path src, long size) throws IOException {
      header(name, '0', 0644, size);
      try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ)) {
        if (in.size() != size) {
          throw new IOException(src + " has " + in.size() + " bytes, expected " + size);
        }
        long done = 0;
        while (done < size) {
          long n = in.transferTo(done, size - done, ch);
          if (n <= 0) {
            throw new IOException("short transfer from " + src);
          }
          done += n;
        }
      }
      pos += size;
      ch.position(pos);
      pad(size);
    }

    @Override
    void file(String name, InputStream in, long size) throws IOException {
      header(name, '0', 0644, size);
      copyExactly(in, contentStream(), size, name);
      pad(size);
    }

    /** A stream appending to the tar at its current position (a member's content). */
    private OutputStream contentStream() {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          Tar.this.write(ByteBuffer.wrap(b, off, len));
        }
      };
    }

    private long headerAt = -1;

    @Override
    OutputStream beginFile() throws IOException {
      headerAt = pos;
      write(ByteBuffer.allocate(BLOCK)); // the header, written for real by endFile
      return contentStream();
    }

    @Override
    void endFile(String name, long size) throws IOException {
      if (pos - headerAt - BLOCK != size) {
        throw new IOException(
            name + ": " + (pos - headerAt - BLOCK) + " bytes written, expected " + size);
      }
      ByteBuffer h = ByteBuffer.wrap(headerBytes(name, '0', 0644, size));
      long at = headerAt;
      while (h.hasRemaining()) {
        at += ch.write(h, at);
      }
      headerAt = -1;
      pad(size);
    }

    @Override
    void dropFile() throws IOException {
      ch.truncate(headerAt);
      pos = headerAt;
      ch.position(pos);
      headerAt = -1;
    }

    @Override
    void finish() throws IOException {
      write(ByteBuffer.allocate(2 * BLOCK));
      ch.force(true);
    }

    @Override
    long bytes() {
      return pos;
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }

    private void write(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        pos += ch.write(b);
      }
    }

    private void pad(long size) throws IOException {
      int rem = (int) (size % BLOCK);
      if (rem != 0) {
        write(ByteBuffer.allocate(BLOCK - rem));
      }
    }

    private void header(String name, char type, int mode, long size) throws IOException {
      write(ByteBuffer.wrap(headerBytes(name, type, mode, size)));
    }

    private byte[] headerBytes(String name, char type, int mode, long size) {
      byte[] n = name.getBytes(StandardCharsets.US_ASCII);
      if (n.length > 100) {
        throw new IllegalArgumentException("tar member name too long: " + name);
      }
      byte[] h = new byte[BLOCK];
      System.arraycopy(n, 0, h, 0, n.length);
      octal(h, 100, 8, mode);
      octal(h, 108, 8, 0);
      octal(h, 116, 8, 0);
      if (size < 077777777777L) {
        octal(h, 124, 12, size);
      } else { // GNU base-256 for members of 8 GiB and more
        h[124] = (byte) 0x80;
        for (int i = 0; i < 8; i++) {
          h[135 - i] = (byte) (size >>> (8 * i));
        }
      }
      octal(h, 136, 12, mtime);
      h[156] = (byte) type;
      System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
      h[263] = '0';
      h[264] = '0';
      octal(h, 329, 8, 0);
      octal(h, 337, 8, 0);
      long sum = TarBlobStore.checksum(h);
      String s = String.format("%06o", sum);
      System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
      h[154] = 0;
      h[155] = ' ';
      return h;
    }

    private static void octal(byte[] h, int off, int len, long v) {
      String s = Long.toOctalString(v);
      int digits = len - 1;
      StringBuilder sb = new StringBuilder();
      for (int i = s.length(); i < digits; i++) {
        sb.append('0');
      }
      sb.append(s);
      System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, h, off, digits);
      h[off + digits] = 0;
    }
  }

  /** A directory tree (OCI layout directory). */
  static final class Dir extends OutputSink {
    private final Path root;
    private final FileTime mtime;
    private long bytes;

    Dir(Path root, long mtime) throws IOException {
      this.root = root;
      this.mtime = FileTime.fromMillis(mtime * 1000);
      Files.createDirectory(root);
    }

    @Override
    void dir(String name) throws IOException {
      Files.createDirectories(root.resolve(name));
    }

    @Override
    void file(String name, byte[] data) throws IOException {
      Path f = root.resolve(name);
      Files.write(f, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      done(f, data.length);
    }

    @Override
    void file(String name, Path src, long size) throws IOException {
      Path f = root.resolve(name);
      try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
          FileChannel out =
              FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        if (in.size() != size) {
          throw new IOException(src + " has " + in.size() + " bytes, expected " + size);
        }
        long d = 0;
        while (d < size) {
          long n = in.transferTo(d, size - d, out);
          if (n <= 0) {
            throw new IOException("short transfer from " + src);
          }
          d += n;
        }
      }
      done(f, size);
    }

    @Override
    void file(String name, InputStream in, long size) throws IOException {
      Path f = root.resolve(name);
      try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW)) {
        copyExactly(in, out, size, name);
      }
      done(f, size);
    }

    private @Nullable Path partial;
    private @Nullable OutputStream partialOut;

    @Override
    OutputStream beginFile() throws IOException {
      // Not createTempFile: its mode 0600 would stay on the blob; this gets the same mode as every
      // other file.
      partial = root.resolve("blobs/.partial");
      partialOut =
          Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      OutputStream out = partialOut;
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() {
          // the sink closes it in endFile
        }
      };
    }

    @Override
    void endFile(String name, long size) throws IOException {
      Path p = closePartial();
      Path f = root.resolve(name);
      if (Files.size(p) != size) {
        throw new IOException(name + ": " + Files.size(p) + " bytes written, expected " + size);
      }
      Files.move(p, f);
      partial = null;
      done(f, size);
    }

    @Override
    void dropFile() throws IOException {
      Files.delete(closePartial());
      partial = null;
    }

    /** Closes the file {@link #beginFile} began; returns its path. */
    private Path closePartial() throws IOException {
      OutputStream o = partialOut;
      Path p = partial;
      if (o == null || p == null) {
        throw new IllegalStateException("no file begun");
      }
      o.close();
      partialOut = null;
      return p;
    }

    private void done(Path f, long size) throws IOException {
      Files.setLastModifiedTime(f, mtime);
      bytes += size;
    }

    @Override
    void finish() throws IOException {
      try (var s = Files.walk(root)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (Files.isDirectory(p)) {
            Files.setLastModifiedTime(p, mtime);
          }
        }
      }
    }

    @Override
    long bytes() {
      return bytes;
    }

    @Override
    public void close() throws IOException {
      if (partialOut != null) {
        partialOut.close(); // a file begun and never ended: the writer is abandoning the output
        partialOut = null;
      }
    }
  }
}
