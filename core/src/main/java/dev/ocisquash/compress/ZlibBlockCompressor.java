package dev.ocisquash.compress;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * {@link BlockCompressor} on the JDK's zlib {@link Deflater}: the portable fallback and the {@code
 * ZLIB} choice.
 */
final class ZlibBlockCompressor implements BlockCompressor {
  private final int level;
  // Deflaters are pooled rather than per block: creating one allocates ~256 KiB of native zlib
  // state.
  private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();

  /**
   * @param level deflate level 0..9, or -1 for zlib's default (6)
   */
  ZlibBlockCompressor(int level) {
    this.level = level;
  }

  @Override
  public byte[] compress(byte[] data, int len, byte @Nullable [] dict, boolean last) {
    Deflater d = deflaters.poll();
    if (d == null) {
      d = new Deflater(level, true);
    } else {
      d.reset();
    }
    try {
      if (dict != null) {
        d.setDictionary(dict);
      }
      d.setInput(data, 0, len);
      // Deflate rarely expands by more than 0.1%; start there and grow when needed.
      byte[] outBuf = new byte[len + (len >>> 3) + 64];
      int n = 0;
      if (last) {
        d.finish();
        while (!d.finished()) {
          if (n == outBuf.length) {
            outBuf = Arrays.copyOf(outBuf, outBuf.length * 2);
          }
          n += d.deflate(outBuf, n, outBuf.length - n);
        }
      } else {
        // SYNC_FLUSH ends with an empty stored block, so the next block starts byte-aligned; a full
        // flush would
        // also reset the window, which the dictionary makes pointless. Per the Deflater contract, a
        // call that
        // fills the buffer must be repeated with more room.
        while (true) {
          int room = outBuf.length - n;
          int k = d.deflate(outBuf, n, room, Deflater.SYNC_FLUSH);
          n += k;
          if (k < room && d.needsInput()) {
            break;
          }
          if (n == outBuf.length) {
            outBuf = Arrays.copyOf(outBuf, outBuf.length * 2);
          }
        }
      }
      return n == outBuf.length ? outBuf : Arrays.copyOf(outBuf, n);
    } finally {
      deflaters.add(d);
    }
  }

  @Override
  public void close() {
    Deflater d;
    while ((d = deflaters.poll()) != null) {
      d.end();
    }
  }
}
