package dev.ocisquash.compress;

import java.util.Locale;

/**
 * Which deflate implementation compresses the blocks of a {@link ParallelGzipOutputStream}. Both produce the same
 * block layout (see that class); the compressed bytes differ between encoders, never between thread counts.
 */
public enum GzipEncoder {
  /**
   * ISA-L when {@code libisal.so.2} can be loaded and passes its self-test, otherwise the JDK Deflater; also the
   * JDK Deflater when {@value #PROPERTY} is {@code zlib}, which thus turns ISA-L off for the whole process.
   */
  AUTO,
  /**
   * Intel ISA-L through JNA; opening a stream fails when the library cannot be loaded. Output is reproducible for
   * the same library version on the same CPU family; ISA-L picks SSE/AVX/AVX2/AVX-512 code paths at run time (at
   * gzip levels 1..6 they were seen to agree on x86-64 with SSE4.2, at 7..9 they differ), so use {@link #ZLIB} where
   * identical bytes on any machine matter.
   */
  ISAL,
  /** The JDK's {@link java.util.zip.Deflater} (zlib): slower, identical bytes for a given zlib version. */
  ZLIB;

  /** System property that sets the process-wide default encoder: {@code auto}, {@code isal} or {@code zlib}. */
  public static final String PROPERTY = "ocisquash.gzip.encoder";

  /**
   * The encoder named by the system property {@value #PROPERTY}, or {@link #AUTO} when it is unset.
   *
   * @throws IllegalArgumentException when the property names no encoder, so that a typo is not silently ignored
   */
  public static GzipEncoder fromSystemProperty() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + " must be auto, isal or zlib, not '" + v + "'", e);
    }
  }
}
