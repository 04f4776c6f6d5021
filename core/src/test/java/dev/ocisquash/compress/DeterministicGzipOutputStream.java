package dev.ocisquash.compress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip writer whose output depends only on the input and the level: the header has MTIME 0, no
 * file name and OS 255 (unknown), unlike {@link java.util.zip.GZIPOutputStream} whose OS byte and
 * flushing behaviour are not ours to fix. No layer is written with it: it is the single-stream zlib
 * reference that the tests hold {@link ParallelGzipOutputStream}'s ratio against, and the baseline
 * of benchmarks/encoders/GzipEncoders.java, which puts core's test classes on its class path for
 * it.
 *
 * <p>Small writes are gathered in a 64 KiB buffer before they reach the deflater, because every
 * {@code setInput}/{@code deflate} round trip crosses into native code.
 */
public class DeterministicGzipOutputStream extends FilterOutputStream {
  private static final int BUFFER = 64 * 1024;

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] inBuf = new byte[BUFFER];
  private int inCount;
  private final byte[] outBuf = new byte[BUFFER];
  private long isize;
  private boolean finished;
  private boolean closed;

  /**
   * Starts a gzip stream and writes its header.
   *
   * @param out the target; closed by {@link #close()}, not by {@link #finish()}
   * @param level deflate level 0..9, or -1 for zlib's default (6)
   */
  public DeterministicGzipOutputStream(OutputStream out, int level) throws IOException {
    super(out);
    if (level < -1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be -1..9: " + level);
    }
    deflater = new Deflater(level, true);
    int xfl = level == 9 ? 2 : level == 1 ? 4 : 0; // RFC 1952: 2 = max compression, 4 = fastest
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, (byte) xfl, (byte) 0xff};
    out.write(header);
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (inCount == inBuf.length) {
      drainInput();
    }
    inBuf[inCount++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    if (len >= BUFFER) {
      drainInput();
      deflate(b, off, len);
      return;
    }
    if (len > inBuf.length - inCount) {
      drainInput();
    }
    System.arraycopy(b, off, inBuf, inCount, len);
    inCount += len;
  }

  /**
   * Writes the remaining compressed data and the CRC32/ISIZE trailer; the target stays open.
   * Idempotent.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    drainInput();
    deflater.finish();
    while (!deflater.finished()) {
      int n = deflater.deflate(outBuf, 0, outBuf.length);
      if (n > 0) {
        out.write(outBuf, 0, n);
      }
    }
    long c = crc.getValue();
    byte[] trailer = {
      (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
      (byte) isize, (byte) (isize >>> 8), (byte) (isize >>> 16), (byte) (isize >>> 24)
    };
    out.write(trailer);
    finished = true;
  }

  /**
   * Flushes the target only: a deflate sync flush would make output depend on when callers flush.
   */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Finishes the gzip stream, releases the native deflater and closes the target. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      finish();
      out.close();
    } finally {
      deflater.end();
      closed = true;
    }
  }

  private void ensureOpen() {
    if (finished) {
      throw new IllegalStateException("gzip stream already finished");
    }
  }

  private void drainInput() throws IOException {
    if (inCount > 0) {
      deflate(inBuf, 0, inCount);
      inCount = 0;
    }
  }

  private void deflate(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    isize += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      int n = deflater.deflate(outBuf, 0, outBuf.length);
      if (n > 0) {
        out.write(outBuf, 0, n);
      }
    }
  }
}
