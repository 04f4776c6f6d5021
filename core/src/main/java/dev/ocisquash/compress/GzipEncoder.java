package dev.ocisquash.compress;

import java.util.Locale;

/**
 * Which deflate implementation compresses the blocks of a {@link ParallelGzipOutputStream}. The
 * compressed bytes differ between encoders, never between thread counts.
 */
public enum GzipEncoder {
  /**
   * The first usable of {@code GzipEncoderChoice.autoOrder} for the level: at gzip level 1 (the
   * speed choice) ISA-L, then libdeflate, then zlib; at every other level libdeflate, then ISA-L,
   * then zlib. A native library is usable when it loads and passes its self-test. Always the JDK
   * Deflater when {@value #PROPERTY} is {@code zlib}, which thus keeps native code out of the whole
   * process.
   */
  AUTO,
  /**
   * libdeflate through JNA, as independent gzip members of {@value
   * ParallelGzipOutputStream#MEMBER_SIZE} bytes of input; opening a stream fails when the library
   * cannot be loaded. At the default level (libdeflate level 4) its output is within 1 % of zlib
   * -6's at about 3.5 times its speed per core. The same bytes on every CPU for a given libdeflate
   * version.
   */
  LIBDEFLATE,
  /**
   * Intel ISA-L through JNA; opening a stream fails when the library cannot be loaded. About ten
   * times zlib's speed at about 5 % larger output. Output is reproducible for the same library
   * version on the same CPU family; ISA-L picks SSE/AVX/AVX2/AVX-512 code paths at run time (at
   * gzip levels 1..6 they were seen to agree on x86-64 with SSE4.2, at 7..9 they differ).
   */
  ISAL,
  /**
   * The JDK's {@link java.util.zip.Deflater} (zlib): slowest, identical bytes for a given zlib
   * version.
   */
  ZLIB;

  /**
   * System property that sets the process-wide default encoder: {@code auto}, {@code libdeflate},
   * {@code isal} or {@code zlib}.
   */
  public static final String PROPERTY = "ocisquash.gzip.encoder";

  /**
   * The encoder named by the system property {@value #PROPERTY}, or {@link #AUTO} when it is unset.
   *
   * @throws IllegalArgumentException when the property names no encoder, so that a typo is not
   *     silently ignored
   */
  public static GzipEncoder fromSystemProperty() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + " must be " + names() + ", not '" + v + "'", e);
    }
  }

  /** "auto, libdeflate, isal or zlib", for messages. */
  public static String names() {
    return "auto, libdeflate, isal or zlib";
  }
}
