package dev.ocisquash.compress;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The one place that decides which deflate implementation writes a gzip stream, and builds its
 * {@link BlockCompressor}: {@link Compressors} passes the caller's {@link GzipEncoder} on, {@link
 * ParallelGzipOutputStream} compresses with what it is given here, and the {@code --version} line
 * names what {@link #writer} says.
 *
 * @param encoder the encoder as resolved: {@link GzipEncoder#LIBDEFLATE}, {@code ISAL} or {@code
 *     ZLIB}, never {@code AUTO} (at level 0 the bytes are zlib's stored blocks whatever it says;
 *     see {@link #writer})
 * @param compressor compresses the blocks; the stream closes it
 */
record GzipEncoderChoice(GzipEncoder encoder, BlockCompressor compressor) {
  /**
   * Resolves {@code requested} for {@code level} and opens its compressor.
   *
   * @param level gzip level -1..9
   * @throws IllegalArgumentException when {@code level} is out of range
   * @throws IOException as {@link #resolve} does
   */
  static GzipEncoderChoice open(GzipEncoder requested, int level) throws IOException {
    if (level < -1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be -1..9: " + level);
    }
    GzipEncoder resolved = resolve(Objects.requireNonNull(requested, "encoder"), level);
    return new GzipEncoderChoice(resolved, compressorFor(resolved, level));
  }

  /**
   * The encoders {@link GzipEncoder#AUTO} tries, in order, for a gzip level (-1 = the default 6).
   * Level 1 asks for speed, so ISA-L (about 450 MB/s per core) comes first; every other level asks
   * for zlib-class size, so libdeflate (smaller than zlib -6) does. Measurements:
   * benchmarks/README.md, section 2d.
   */
  static List<GzipEncoder> autoOrder(int level) {
    return level == 1
        ? List.of(GzipEncoder.ISAL, GzipEncoder.LIBDEFLATE, GzipEncoder.ZLIB)
        : List.of(GzipEncoder.LIBDEFLATE, GzipEncoder.ISAL, GzipEncoder.ZLIB);
  }

  /**
   * Resolves {@code AUTO} as {@link GzipEncoder#AUTO} says (by level, to the first usable native
   * library, else zlib; to zlib whenever {@value GzipEncoder#PROPERTY} is {@code zlib}).
   *
   * @param level gzip level -1..9
   * @throws IOException for {@code LIBDEFLATE} or {@code ISAL} without a usable library; the
   *     message names the Debian package to install
   */
  static GzipEncoder resolve(GzipEncoder requested, int level) throws IOException {
    switch (requested) {
      case ZLIB:
        return GzipEncoder.ZLIB;
      case AUTO:
        // The property is also a kill switch: with it set to zlib, AUTO never loads native code.
        if (GzipEncoder.fromSystemProperty() == GzipEncoder.ZLIB) {
          return GzipEncoder.ZLIB;
        }
        for (GzipEncoder e : autoOrder(level)) {
          if (e == GzipEncoder.ZLIB || NativeCodec.of(e).usable()) {
            return e;
          }
        }
        throw new AssertionError("zlib ends every order");
      case LIBDEFLATE:
      case ISAL:
        NativeCodec codec = NativeCodec.of(requested);
        if (!codec.usable()) {
          throw new IOException(
              "the "
                  + codec.displayName()
                  + " gzip encoder was requested but "
                  + codec.soname()
                  + " could not be used ("
                  + codec.shortReason()
                  + "); install it with `apt-get install "
                  + codec.debianPackage()
                  + "`, point -D"
                  + codec.libraryProperty()
                  + "=/path/to/"
                  + codec.soname()
                  + " at it, or choose another encoder");
        }
        return requested;
      default:
        throw new AssertionError(requested);
    }
  }

  /**
   * What writes the deflate bytes for {@code requested} at {@code level}, for naming it: zlib at
   * level 0 (stored blocks) and where the requested native library cannot be used (the stream would
   * fail to open instead).
   */
  static GzipEncoder writer(GzipEncoder requested, int level) {
    if (level == 0) {
      return GzipEncoder.ZLIB; // stored blocks are always zlib's
    }
    try {
      return resolve(requested, level);
    } catch (IOException unusable) {
      return GzipEncoder.ZLIB;
    }
  }

  private static BlockCompressor compressorFor(GzipEncoder resolved, int level) {
    // Level 0 asks for stored blocks: zlib's stored path is a copy, and the native encoders add
    // nothing to it.
    if (level == 0) {
      return new ZlibBlockCompressor(level);
    }
    switch (resolved) {
      case LIBDEFLATE:
        return new LibdeflateMemberCompressor(
            Objects.requireNonNull(LibdeflateLibrary.shared(), "resolved only when it loaded"),
            level);
      case ISAL:
        return new IsalBlockCompressor(
            Objects.requireNonNull(IsalLibrary.shared(), "resolved only when it loaded"),
            IsalBlockCompressor.isalLevel(level));
      default:
        return new ZlibBlockCompressor(level);
    }
  }
}
