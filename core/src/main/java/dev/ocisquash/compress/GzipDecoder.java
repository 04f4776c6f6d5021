package dev.ocisquash.compress;

/**
 * Which inflate implementation {@link Decompressors} reads gzip with. Both return the same bytes
 * and fail on the same inputs (see {@link IsalGzipInputStream}); they differ in speed only, so
 * unlike the encoder the choice never changes an image's digests.
 */
public enum GzipDecoder {
  /**
   * ISA-L when {@code libisal.so.2} loads and passes its self-test, otherwise the JDK; also the JDK
   * when the system property {@value GzipEncoder#PROPERTY} is {@code zlib}, the one switch that
   * keeps ISA-L out of the process (the {@code --gzip-encoder zlib} option only picks the encoder
   * and leaves decoding on ISA-L).
   */
  AUTO,
  /**
   * Intel ISA-L's {@code isal_inflate} through JNA; opening a stream fails when the library cannot
   * be loaded.
   */
  ISAL,
  /** The JDK's {@link java.util.zip.GZIPInputStream} (zlib's inflate). */
  JDK
}
