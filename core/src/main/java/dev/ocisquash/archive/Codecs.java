package dev.ocisquash.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.ocisquash.compress.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The decompressors this package uses, in one place so they can be swapped for the project-wide
 * {@code compress.Decompressors} later without touching the readers.
 */
final class Codecs {
  private static final int BUFFER = 64 * 1024;

  private Codecs() {}

  /** Wraps {@code raw} in a decompressor for {@code c}; {@link Compression#NONE} returns it unchanged. */
  static InputStream decompress(InputStream raw, Compression c) throws IOException {
    switch (c) {
      case GZIP:
        return new GZIPInputStream(raw, BUFFER);
      case ZSTD:
        return new ZstdInputStreamNoFinalizer(raw);
      default:
        return raw;
    }
  }

  /** Reads up to 4 bytes from the stream and closes it: enough to tell gzip, zstd and plain data apart. */
  static Compression sniff(InputStream in) throws IOException {
    try (in) {
      byte[] head = new byte[4];
      int n = in.readNBytes(head, 0, 4);
      return Compression.detect(head, n);
    }
  }

  /** Lower-case compression name for messages. */
  static String name(Compression c) {
    return c.name().toLowerCase(java.util.Locale.ROOT);
  }
}
