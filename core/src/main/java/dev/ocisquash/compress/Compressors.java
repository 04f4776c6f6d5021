package dev.ocisquash.compress;

import java.io.IOException;
import java.io.OutputStream;

/** Factories for layer compressors that take the thread count, so callers need not know which class fits. */
public final class Compressors {
  private Compressors() {}

  /**
   * Opens a gzip writer with the process-wide default encoder: {@link GzipEncoder#AUTO} (ISA-L when {@code
   * libisal.so.2} is usable, else the JDK Deflater) unless the system property {@value GzipEncoder#PROPERTY} says
   * otherwise. Output bytes depend only on the input, the level and the encoder, never on {@code threads}: every
   * thread count, including 1, uses the same block layout (see {@link ParallelGzipOutputStream}).
   *
   * @param out the target; closing the returned stream finishes the gzip member and closes it
   * @param level deflate level 0..9, or -1 for the default (6)
   * @param threads compression threads; {@code <= 1} compresses on the calling thread
   */
  public static OutputStream gzip(OutputStream out, int level, int threads) throws IOException {
    return gzip(out, level, threads, GzipEncoder.fromSystemProperty());
  }

  /**
   * Opens a gzip writer with the given encoder.
   *
   * @param out the target; closing the returned stream finishes the gzip member and closes it
   * @param level deflate level 0..9, or -1 for the default (6)
   * @param threads compression threads; {@code <= 1} compresses on the calling thread
   * @param encoder which deflate implementation to use
   * @throws IOException when {@code encoder} is {@link GzipEncoder#ISAL} and ISA-L cannot be loaded
   */
  public static OutputStream gzip(OutputStream out, int level, int threads, GzipEncoder encoder)
      throws IOException {
    return new ParallelGzipOutputStream(out, level, threads, null, encoder);
  }

  /**
   * The encoder the default {@link #gzip(OutputStream, int, int)} uses, resolved: "ISA-L 2.30 (libisal.so.2.0.30)"
   * or "JDK zlib Deflater". Loads ISA-L on first call unless the default is {@link GzipEncoder#ZLIB}.
   */
  public static String gzipEncoderName() {
    return gzipEncoderName(GzipEncoder.fromSystemProperty());
  }

  /**
   * What {@link #gzip(OutputStream, int, int, GzipEncoder)} with {@code encoder} compresses with: "ISA-L 2.30
   * (libisal.so.2.0.30)" or "JDK zlib Deflater" (for ISAL when the library cannot be loaded, the stream would
   * fail to open instead).
   */
  public static String gzipEncoderName(GzipEncoder encoder) {
    IsalLibrary lib = encoder == GzipEncoder.ZLIB ? null : IsalLibrary.shared();
    return lib != null ? lib.label() : "JDK zlib Deflater";
  }

  /**
   * Which gzip encoder {@link #gzip(OutputStream, int, int)} uses, and why, and which decoder {@link
   * Decompressors} reads gzip with, for {@code --version} and run summaries; e.g. "gzip: ISA-L 2.30
   * (libisal.so.2.0.30) level 2 for gzip level 6, pigz-style parallel blocks of 128 KiB with 32 KiB dictionary;
   * gunzip: ISA-L 2.30 (libisal.so.2.0.30)", or the JDK Deflater and Inflater with the reason ISA-L is not used.
   */
  public static String describe() {
    // The reason ISA-L is not used, when it is not, is given once, in the encoder's part.
    return describeEncoder() + "; gunzip: " + Decompressors.gzipDecoderName();
  }

  private static String describeEncoder() {
    String layout =
        "pigz-style parallel blocks of "
            + (ParallelGzipOutputStream.BLOCK_SIZE / 1024)
            + " KiB with "
            + (ParallelGzipOutputStream.DICT_SIZE / 1024)
            + " KiB dictionary";
    GzipEncoder e;
    try {
      e = GzipEncoder.fromSystemProperty();
    } catch (IllegalArgumentException bad) {
      return "gzip: " + bad.getMessage();
    }
    if (e == GzipEncoder.ZLIB) {
      return "gzip: JDK zlib Deflater, " + layout + " (ISA-L disabled by " + GzipEncoder.PROPERTY + "=zlib)";
    }
    IsalLibrary lib = IsalLibrary.shared();
    if (lib != null) {
      return "gzip: " + lib.label() + " level " + IsalBlockCompressor.isalLevel(6) + " for gzip level 6, " + layout;
    }
    return "gzip: JDK zlib Deflater, "
        + layout
        + " (ISA-L "
        + (e == GzipEncoder.ISAL ? "required but " : "")
        + "not usable: "
        + IsalLibrary.unavailableReason()
        + ")";
  }
}
