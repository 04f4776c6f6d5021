package dev.ocisquash.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/**
 * Opens layer and archive blobs by their magic bytes rather than their media type, because registries and
 * {@code docker save} are not reliable about media types.
 *
 * <p>A truncated gzip or zstd stream surfaces as an {@link IOException} ({@link java.io.EOFException} for gzip);
 * callers wrap it with the blob's name.
 */
public final class Decompressors {
  private static final int BUFFER = 64 * 1024;

  private Decompressors() {}

  /**
   * Detects the compression from the first bytes and returns a stream of the decompressed bytes (or the raw bytes
   * for an uncompressed stream). Closing the result closes {@code raw}.
   */
  public static InputStream open(InputStream raw) throws IOException {
    PushbackInputStream pb = new PushbackInputStream(raw, 4);
    byte[] head = new byte[4];
    int n = 0;
    while (n < head.length) {
      int r = pb.read(head, n, head.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    if (n > 0) {
      pb.unread(head, 0, n);
    }
    return open(pb, Compression.detect(head, n));
  }

  /** Returns a decompressing stream for a known compression. Closing the result closes {@code raw}. */
  public static InputStream open(InputStream raw, Compression compression) throws IOException {
    switch (compression) {
      case GZIP:
        // The JDK (before 23, JDK-7036144) only looks for a further gzip member when in.available() > 0, so on a
        // pipe or a decrypting stream it silently drops the rest of a multi-member file. Make available() honest.
        return new GZIPInputStream(new HonestAvailable(raw), BUFFER);
      case ZSTD:
        ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(raw);
        z.setContinuous(false); // the default, set explicitly: continuous mode would hide truncation
        return z;
      default:
        return raw;
    }
  }

  /**
   * Makes {@link #available()} report at least one byte unless the stream is really at EOF, by reading one byte
   * ahead when needed.
   */
  static final class HonestAvailable extends FilterInputStream {
    private int peeked = -1;
    private boolean eof;

    HonestAvailable(InputStream in) {
      super(in);
    }

    @Override
    public int available() throws IOException {
      if (peeked >= 0) {
        return 1 + Math.max(0, in.available());
      }
      if (eof) {
        return 0;
      }
      int a = in.available();
      if (a > 0) {
        return a;
      }
      int b = in.read();
      if (b < 0) {
        eof = true;
        return 0;
      }
      peeked = b;
      return 1;
    }

    @Override
    public int read() throws IOException {
      if (peeked >= 0) {
        int b = peeked;
        peeked = -1;
        return b;
      }
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (peeked >= 0) {
        b[off] = (byte) peeked;
        peeked = -1;
        return 1;
      }
      return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      if (peeked >= 0) {
        peeked = -1;
        return 1;
      }
      return in.skip(n);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
