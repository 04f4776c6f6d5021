package dev.ocisquash.tar;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The buffered byte source under {@link TarReader}: one 64 KiB buffer, reads that bypass it when
 * they are large, and skips that use {@link InputStream#skip} where the stream allows it. Apart
 * from the reader so that the tar logic sees only "read", "skip" and "how far", and so that the
 * offset bookkeeping for diagnostics sits with the buffer it depends on.
 */
final class TarInput {
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private long offset; // stream offset of the byte after the buffer's end, for diagnostics
  private boolean skipUnsupported;

  /**
   * @param in the stream to read; never closed here
   */
  TarInput(InputStream in) {
    this.in = in;
  }

  /**
   * Bytes of the stream consumed so far by the reader (not counting what sits unread in the
   * buffer).
   */
  long position() {
    return offset - (lim - pos);
  }

  /** Bytes that can be read without touching the stream. */
  int buffered() {
    return lim - pos;
  }

  /** Reads up to one block; returns how many bytes were read (less than 512 only at EOF). */
  int readBlock(byte[] dst) throws IOException {
    int got = 0;
    while (got < TarHeader.BLOCK) {
      int r = read(dst, got, TarHeader.BLOCK - got);
      if (r < 0) {
        break;
      }
      got += r;
    }
    return got;
  }

  /**
   * Like {@link InputStream#read(byte[], int, int)} with {@code len > 0}: at least one byte, or -1
   * at EOF.
   */
  int read(byte[] dst, int off, int len) throws IOException {
    int avail = lim - pos;
    if (avail > 0) {
      int n = Math.min(avail, len);
      System.arraycopy(buf, pos, dst, off, n);
      pos += n;
      return n;
    }
    if (len >= buf.length) {
      int r = in.read(dst, off, len); // big reads bypass the buffer: one copy fewer
      if (r > 0) {
        offset += r;
      }
      return r;
    }
    if (fill() < 0) {
      return -1;
    }
    int n = Math.min(lim - pos, len);
    System.arraycopy(buf, pos, dst, off, n);
    pos += n;
    return n;
  }

  private int fill() throws IOException {
    int r;
    do {
      r = in.read(buf, 0, buf.length);
    } while (r == 0);
    if (r < 0) {
      pos = 0;
      lim = 0;
      return -1;
    }
    pos = 0;
    lim = r;
    offset += r;
    return r;
  }

  /**
   * Skips {@code n} bytes. Large skips use {@link InputStream#skip}, which on files may go past EOF
   * without complaint, so the last byte is always read to prove the stream really is that long.
   *
   * @return false when the stream ended before {@code n} bytes
   */
  boolean skip(long n) throws IOException {
    int avail = lim - pos;
    if (n <= avail) {
      pos += (int) n;
      return true;
    }
    n -= avail;
    pos = lim;
    if (n > buf.length && !skipUnsupported) {
      long want = n - 1;
      while (want > 0) {
        long s;
        try {
          s = in.skip(want);
        } catch (ImageException e) {
          throw e; // a limit, a digest mismatch: the input's fault, never a reason to fall back
        } catch (IOException e) {
          skipUnsupported = true; // e.g. a pipe: "Illegal seek"; fall back to reading
          break;
        }
        if (s <= 0) {
          break;
        }
        want -= s;
        n -= s;
        offset += s;
      }
    }
    while (n > 0) {
      if (fill() < 0) {
        return false;
      }
      int k = (int) Math.min(n, lim - pos);
      pos += k;
      n -= k;
    }
    return true;
  }
}
