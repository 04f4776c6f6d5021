package dev.ocisquash.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Small fixtures of the archive tests: digests, copies, a damaged byte. Tars are {@link
 * dev.ocisquash.testing.RawTar}'s.
 */
final class Fixtures {
  private Fixtures() {}

  static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String sha256(Path f) throws Exception {
    return sha256(Files.readAllBytes(f));
  }

  /** Copies a directory tree. */
  static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path d = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(d);
        } else {
          Files.copy(p, d);
        }
      }
    }
  }

  static byte[] flipByte(byte[] b, int pos) {
    byte[] c = Arrays.copyOf(b, b.length);
    c[pos] ^= 0x55;
    return c;
  }
}
