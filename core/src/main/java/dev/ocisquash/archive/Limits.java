package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Resource limits that stop decompression bombs and absurd inputs before they fill the disk or the
 * heap. Immutable; start from {@link #defaults()} and change one value at a time:
 *
 * <pre>{@code
 * Limits l = Limits.defaults().withMaxUncompressedBytes(256L << 30);
 * }</pre>
 *
 * <p>Every limit is reported with the CLI flag that raises it, because a user who hits one on a
 * legitimate (just very large) image needs to know the way out in the same line that stopped them.
 */
public final class Limits {
  /** Default cap on uncompressed bytes across all layers: 64 GiB, far above any real image. */
  public static final long DEFAULT_MAX_UNCOMPRESSED_BYTES = 64L << 30;

  /**
   * Default cap on the uncompressed/compressed ratio of one layer. gzip peaks near 1032:1, real
   * layers below 20.
   */
  public static final long DEFAULT_MAX_RATIO = 1000;

  /** Default cap on filesystem entries in one image (all layers). */
  public static final long DEFAULT_MAX_ENTRIES = 10_000_000L;

  /**
   * The ratio is only judged once this many uncompressed bytes were produced: a tiny layer of zeros
   * legitimately compresses far better than 1000:1, and is harmless.
   */
  public static final long RATIO_GRACE_BYTES = 1L << 20;

  private static final Limits DEFAULTS =
      new Limits(DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_MAX_RATIO, DEFAULT_MAX_ENTRIES);

  private final long maxUncompressedBytes;
  private final long maxRatio;
  private final long maxEntries;

  private Limits(long maxUncompressedBytes, long maxRatio, long maxEntries) {
    this.maxUncompressedBytes = positive(maxUncompressedBytes, "max uncompressed bytes");
    this.maxRatio = positive(maxRatio, "max ratio");
    this.maxEntries = positive(maxEntries, "max entries");
  }

  private static long positive(long v, String what) {
    if (v <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + v);
    }
    return v;
  }

  /** The default limits (64 GiB, 1000:1, 10 million entries). */
  public static Limits defaults() {
    return DEFAULTS;
  }

  /**
   * A copy with another cap on total uncompressed bytes across layers (flag {@code
   * --max-uncompressed-bytes}).
   */
  public Limits withMaxUncompressedBytes(long v) {
    return new Limits(v, maxRatio, maxEntries);
  }

  /**
   * A copy with another cap on the per-layer uncompressed/compressed ratio (flag {@code
   * --max-ratio}).
   */
  public Limits withMaxRatio(long v) {
    return new Limits(maxUncompressedBytes, v, maxEntries);
  }

  /** A copy with another cap on entries per image (flag {@code --max-entries}). */
  public Limits withMaxEntries(long v) {
    return new Limits(maxUncompressedBytes, maxRatio, v);
  }

  /** Cap on uncompressed bytes across all layers of one image. */
  public long maxUncompressedBytes() {
    return maxUncompressedBytes;
  }

  /** Cap on uncompressed/compressed bytes of one layer, judged after {@link #RATIO_GRACE_BYTES}. */
  public long maxRatio() {
    return maxRatio;
  }

  /** Cap on filesystem entries in one image. */
  public long maxEntries() {
    return maxEntries;
  }

  /** Starts counting one run against these limits. A meter is not thread-safe: one per squash. */
  public Meter newMeter() {
    return new Meter(this);
  }

  @Override
  public String toString() {
    return "Limits[maxUncompressedBytes="
        + maxUncompressedBytes
        + ", maxRatio="
        + maxRatio
        + ", maxEntries="
        + maxEntries
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Limits l
        && l.maxUncompressedBytes == maxUncompressedBytes
        && l.maxRatio == maxRatio
        && l.maxEntries == maxEntries;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(maxUncompressedBytes) * 31 * 31
        + Long.hashCode(maxRatio) * 31
        + Long.hashCode(maxEntries);
  }

  /**
   * Renders a byte count the way users type it back (exact bytes, plus a human form when round).
   */
  static String bytes(long n) {
    if (n >= (1L << 30) && n % (1L << 30) == 0) {
      return (n >> 30) + " GiB";
    }
    if (n >= (1L << 20) && n % (1L << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    return String.format(Locale.ROOT, "%d bytes", n);
  }

  /**
   * Counts the bytes and entries of one run. Totals are kept across layers; the ratio is per layer,
   * so {@link #guard} resets it for every layer stream. Guarded streams may be read on different
   * threads at once; entries are counted by one thread.
   */
  public static final class Meter {
    private final Limits limits;
    // Guarded streams of two layers are read at once (the next layer is decompressed ahead on its
    // own thread).
    private final java.util.concurrent.atomic.AtomicLong totalBytes =
        new java.util.concurrent.atomic.AtomicLong();
    private long entries;

    private Meter(Limits limits) {
      this.limits = limits;
    }

    /** Uncompressed bytes seen so far across guarded streams. */
    public long totalBytes() {
      return totalBytes.get();
    }

    /** Entries counted so far. */
    public long entries() {
      return entries;
    }

    /**
     * Counts one filesystem entry; the entry's path is only rendered when the limit is hit, since
     * this runs once per entry on the hot path.
     *
     * @throws ImageException once the image has more entries than allowed
     */
    public void countEntry(String file, String layer, dev.ocisquash.tar.TarEntry entry)
        throws ImageException {
      if (entries + 1 > limits.maxEntries) {
        countEntry(file, layer, entry.path());
      }
      entries++;
    }

    /**
     * Counts one filesystem entry.
     *
     * @throws ImageException once the image has more entries than allowed
     */
    void countEntry(String file, String layer, String entry) throws ImageException {
      if (++entries > limits.maxEntries) {
        throw new ImageException(
            Kind.LIMIT_EXCEEDED,
            ImageException.where(
                file,
                layer,
                entry,
                "more than "
                    + limits.maxEntries
                    + " entries in the image (limit; raise it with --max-entries)"));
      }
    }

    /**
     * Wraps a layer stream so that every byte read counts against the total, and the layer's own
     * ratio is checked against its compressed bytes.
     */
    public LayerStream guard(LayerStream in, String file, String layer) {
      return new Guarded(in, file, layer);
    }

    /**
     * Adds {@code n} uncompressed bytes; {@code compressed} is the layer's raw bytes so far, or -1
     * to skip.
     */
    void add(long n, long layerBytes, long compressed, String file, String layer)
        throws ImageException {
      if (totalBytes.addAndGet(n) > limits.maxUncompressedBytes) {
        throw new ImageException(
            Kind.LIMIT_EXCEEDED,
            ImageException.where(
                file,
                layer,
                null,
                "uncompressed size exceeds the limit of "
                    + bytes(limits.maxUncompressedBytes)
                    + " (possible decompression bomb; raise it with --max-uncompressed-bytes)"));
      }
      if (compressed >= 0 && layerBytes >= RATIO_GRACE_BYTES) {
        // Divide rather than multiply so that huge limits cannot overflow.
        long c = Math.max(compressed, 1);
        if ((double) layerBytes / c > limits.maxRatio) {
          throw new ImageException(
              Kind.LIMIT_EXCEEDED,
              ImageException.where(
                  file,
                  layer,
                  null,
                  "compression ratio exceeds the limit of "
                      + limits.maxRatio
                      + ":1 ("
                      + layerBytes
                      + " bytes from "
                      + compressed
                      + "; possible decompression bomb; raise it with --max-ratio)"));
        }
      }
    }

    private final class Guarded extends LayerStream {
      private final LayerStream in;
      private final String file;
      private final String layer;
      private long seen;

      Guarded(LayerStream in, String file, String layer) {
        this.in = in;
        this.file = file;
        this.layer = layer;
      }

      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(int n) throws ImageException {
        seen += n;
        add(n, seen, in.compressedBytes(), file, layer);
      }

      @Override
      public void finish() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
          // drain through the counters: trailing data after the tar end marker is still
          // decompressed
        }
        in.finish();
      }

      @Override
      public @Nullable DiffIdCheck handOverDiffId() {
        return in.handOverDiffId(); // the bytes counted here are the bytes it returns
      }

      @Override
      public long uncompressedBytes() {
        return in.uncompressedBytes();
      }

      @Override
      public long compressedBytes() {
        return in.compressedBytes();
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    }
  }
}
