package dev.ocisquash.archive;

import dev.ocisquash.compress.Compression;
import dev.ocisquash.compress.Decompressors;
import java.io.IOException;
import java.io.InputStream;

/** The decompressors this package uses, in one place: the project-wide {@link Decompressors}. */
final class Codecs {
  private Codecs() {}

  /**
   * Wraps {@code raw} in a decompressor for {@code c}; {@link Compression#NONE} returns it
   * unchanged. gzip goes through ISA-L when it is usable, and every member of a multi-member blob
   * is read even though the hashing streams in front of the blob report {@code available() == 0} (a
   * plain {@code GZIPInputStream} stops after the first member then, JDK-7036144).
   */
  static InputStream decompress(InputStream raw, Compression c) throws IOException {
    return Decompressors.open(raw, c);
  }

  /**
   * Reads up to 4 bytes from the stream and closes it: enough to tell gzip, zstd and plain data
   * apart.
   */
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
