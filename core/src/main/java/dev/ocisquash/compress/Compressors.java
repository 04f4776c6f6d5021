package dev.ocisquash.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Factories for layer compressors that take the thread count, so callers need not know which class
 * fits.
 */
public final class Compressors {
  private Compressors() {}

  /** The gzip level used when none is given (-1). */
  private static final int DEFAULT_LEVEL = 6;

  /**
   * Opens a gzip writer with the process-wide default encoder: {@link GzipEncoder#AUTO}
   * (libdeflate, or at level 1 ISA-L, when usable; see there) unless the system property {@value
   * GzipEncoder#PROPERTY} says otherwise. Output bytes depend only on the input, the level and the
   * encoder, never on {@code threads}: every thread count, including 1, uses the same block layout
   * (see {@link ParallelGzipOutputStream}).
   *
   * @param out the target; closing the returned stream finishes the gzip output and closes it
   * @param level deflate level 0..9, or -1 for the default (6)
   * @param threads compression threads; {@code <= 1} compresses on the calling thread
   */
  public static OutputStream gzip(OutputStream out, int level, int threads) throws IOException {
    return gzip(out, level, threads, GzipEncoder.fromSystemProperty());
  }

  /**
   * Opens a gzip writer with the given encoder.
   *
   * @param out the target; closing the returned stream finishes the gzip output and closes it
   * @param level deflate level 0..9, or -1 for the default (6)
   * @param threads compression threads; {@code <= 1} compresses on the calling thread
   * @param encoder which deflate implementation to use
   * @throws IOException when {@code encoder} is a native one whose library cannot be loaded
   */
  public static OutputStream gzip(OutputStream out, int level, int threads, GzipEncoder encoder)
      throws IOException {
    return gzip(out, level, threads, encoder, null);
  }

  /**
   * Opens a gzip writer with the given encoder whose blocks are compressed on {@code pool}, which
   * several writers may share (it is not shut down by closing the writer). The bytes are those of
   * {@link #gzip(OutputStream, int, int, GzipEncoder)}.
   *
   * @param out the target; closing the returned stream finishes the gzip output and closes it
   * @param level deflate level 0..9, or -1 for the default (6)
   * @param threads the blocks in flight are bounded by twice this
   * @param encoder which deflate implementation to use
   * @param pool where blocks are compressed; null for a pool of the writer's own (none when {@code
   *     threads <= 1})
   * @throws IOException when {@code encoder} is a native one whose library cannot be loaded
   */
  public static OutputStream gzip(
      OutputStream out,
      int level,
      int threads,
      GzipEncoder encoder,
      java.util.concurrent.@Nullable ExecutorService pool)
      throws IOException {
    return new ParallelGzipOutputStream(out, level, threads, pool, encoder);
  }

  /**
   * The encoder the default {@link #gzip(OutputStream, int, int)} uses at the default level,
   * resolved, e.g. "libdeflate (libdeflate.so.0)".
   */
  public static @Nullable String gzipEncoderName() {
    return gzipEncoderName(GzipEncoder.fromSystemProperty());
  }

  /** {@link #gzipEncoderName(GzipEncoder, int)} at the default level. */
  public static @Nullable String gzipEncoderName(GzipEncoder encoder) {
    return gzipEncoderName(encoder, DEFAULT_LEVEL);
  }

  /**
   * What {@link #gzip(OutputStream, int, int, GzipEncoder)} with {@code encoder} and {@code level}
   * compresses with: "libdeflate (libdeflate.so.0)", "ISA-L 2.30 (libisal.so.2.0.30)" or "JDK zlib
   * Deflater" (for a native encoder whose library cannot be loaded, the stream would fail to open
   * instead). Loads the native libraries {@code encoder} may use.
   */
  public static String gzipEncoderName(GzipEncoder encoder, int level) {
    return name(GzipEncoderChoice.writer(encoder, level));
  }

  private static String name(GzipEncoder resolved) {
    return resolved == GzipEncoder.ZLIB
        ? "JDK zlib Deflater"
        : Objects.requireNonNull(
            NativeCodec.of(resolved).label(), "writer() resolves only to a loaded library");
  }

  /**
   * Which gzip encoder {@link #gzip(OutputStream, int, int)} uses at the default level and at level
   * 1, and which decoder {@link Decompressors} reads gzip with, for {@code --version}; e.g. "gzip:
   * libdeflate (libdeflate.so.0) level 6 at libdeflate level 4, independent gzip members of 1 MiB;
   * level 1: ISA-L 2.30 (libisal.so.2.0.30) at ISA-L level 1, pigz-style parallel blocks of 128 KiB
   * with 32 KiB dictionary; gunzip: ISA-L 2.30 (libisal.so.2.0.30)". Why a native library is not
   * used is said by {@link #missingNativeCodecs()}, one line each.
   */
  public static String describe() {
    return describeEncoder() + "; gunzip: " + Decompressors.gzipDecoderName();
  }

  private static String describeEncoder() {
    GzipEncoder e;
    try {
      e = GzipEncoder.fromSystemProperty();
    } catch (IllegalArgumentException bad) {
      return "gzip: " + bad.getMessage();
    }
    GzipEncoder main = GzipEncoderChoice.writer(e, DEFAULT_LEVEL);
    GzipEncoder fast = GzipEncoderChoice.writer(e, 1);
    String s = "gzip: " + name(main) + " level " + DEFAULT_LEVEL + layout(main, DEFAULT_LEVEL);
    if (fast != main) {
      s += "; level 1: " + name(fast) + layout(fast, 1);
    }
    if (e == GzipEncoder.ZLIB && System.getProperty(GzipEncoder.PROPERTY) != null) {
      s += " (native encoders disabled by " + GzipEncoder.PROPERTY + "=zlib)";
    }
    return s;
  }

  private static String layout(GzipEncoder resolved, int level) {
    if (resolved == GzipEncoder.LIBDEFLATE) {
      return " at libdeflate level "
          + LibdeflateMemberCompressor.libdeflateLevel(level)
          + ", independent gzip members of "
          + (ParallelGzipOutputStream.MEMBER_SIZE >> 20)
          + " MiB";
    }
    String isal =
        resolved == GzipEncoder.ISAL
            ? " at ISA-L level " + IsalBlockCompressor.isalLevel(level)
            : "";
    return isal
        + ", pigz-style parallel blocks of "
        + (ParallelGzipOutputStream.BLOCK_SIZE / 1024)
        + " KiB with "
        + (ParallelGzipOutputStream.DICT_SIZE / 1024)
        + " KiB dictionary";
  }

  /**
   * One plain line per native library that the process-wide default encoder or decoder would use
   * but cannot, naming the Debian package to install and what runs instead, e.g. "libdeflate is
   * missing (libdeflate.so.0 not found): gzip level 6 is written by ISA-L 2.30 (libisal.so.2.0.30)
   * instead; install the Debian package libdeflate0". Empty when every native library loads, or
   * when {@value GzipEncoder#PROPERTY} is {@code zlib} (native code turned off on purpose). Loads
   * the libraries on first call.
   */
  public static List<String> missingNativeCodecs() {
    return missingNativeCodecs(safeDefault());
  }

  /**
   * As {@link #missingNativeCodecs()}, for a run that writes gzip with {@code encoder}: nothing for
   * an explicit {@link GzipEncoder#ZLIB}, and for an explicit native encoder only the decoder's
   * ISA-L (the encoder's own library is there, or the run failed to start).
   */
  public static List<String> missingNativeCodecs(@Nullable GzipEncoder encoder) {
    List<String> lines = new ArrayList<>();
    if (encoder == GzipEncoder.ZLIB || encoder == null) {
      return lines;
    }
    boolean auto = encoder == GzipEncoder.AUTO;
    if (auto && !NativeCodec.LIBDEFLATE.usable()) {
      lines.add(
          NativeCodec.LIBDEFLATE.missingLine(
              "gzip level "
                  + DEFAULT_LEVEL
                  + " is written by "
                  + gzipEncoderName(encoder, DEFAULT_LEVEL)
                  + " instead"));
    }
    if (!NativeCodec.ISAL.usable()) {
      String instead = "gzip is read by the JDK's Inflater (about half the speed)";
      if (auto) {
        instead += " and gzip level 1 written by " + gzipEncoderName(encoder, 1);
      }
      lines.add(NativeCodec.ISAL.missingLine(instead));
    }
    return lines;
  }

  private static @Nullable GzipEncoder safeDefault() {
    try {
      return GzipEncoder.fromSystemProperty();
    } catch (IllegalArgumentException bad) {
      return null; // describe() reports the bad value
    }
  }
}
