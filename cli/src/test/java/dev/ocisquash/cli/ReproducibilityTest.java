package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The same input and options give a byte-identical file, whatever the thread count. */
class ReproducibilityTest {
  @TempDir Path dir;

  static Path sample() {
    return TestData.sample();
  }

  @ParameterizedTest
  @CsvSource({"gzip,docker", "zstd,oci", "none,oci", "gzip,oci"})
  void sameBytesTwiceAndWithAnyThreadCount(String compression, String format) throws Exception {
    byte[] a = squash("a", compression, format, "1");
    byte[] b = squash("b", compression, format, "1");
    byte[] c = squash("c", compression, format, "4");
    assertArrayEquals(a, b, "two runs differ");
    assertArrayEquals(a, c, "1 and 4 threads differ");
  }

  @Test
  void partialSquashIsReproducibleToo() throws Exception {
    byte[] a = squash("p1", "gzip", "oci", "1", "--from", "1");
    byte[] b = squash("p2", "gzip", "oci", "3", "--from", "1");
    assertArrayEquals(a, b);
  }

  @Test
  void sourceDateEpochChangesTheImageButStaysReproducible() throws Exception {
    byte[] plain = squash("e0", "gzip", "oci", "2");
    byte[] e1 = squash("e1", "gzip", "oci", "2", "--source-date-epoch", "1000000000");
    byte[] e2 = squash("e2", "gzip", "oci", "1", "--source-date-epoch", "1000000000");
    assertArrayEquals(e1, e2);
    assertNotEquals(sha(plain), sha(e1), "clamping every mtime to 2001 must change the layer");
  }

  private byte[] squash(
      String name, String compression, String format, String threads, String... extra)
      throws Exception {
    Path out = dir.resolve(name + ".tar");
    String[] base = {
      "squash",
      sample().toString(),
      "-o",
      out.toString(),
      "--compression",
      compression,
      "--format",
      format,
      "--threads",
      threads,
      "-q"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    assertEquals(0, Main.run(args));
    return Files.readAllBytes(out);
  }

  private static String sha(byte[] b) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }
}
