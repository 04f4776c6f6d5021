package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers are numbered from 0 everywhere, as --from counts; counts agree with their nouns; errors
 * give reasons.
 */
class WordingTest {
  @TempDir Path dir;

  private String sample() {
    return TestData.sample().toString();
  }

  @Test
  void progressAndTimingsNumberLayersAsFromDoes() {
    Run r = CliTest.cli("squash", sample(), "-o", dir.resolve("o.tar").toString(), "--timings");
    assertEquals(0, r.exit, r.err);
    // three layers: 0, 1 and 2, as --from and analyze number them
    assertTrue(
        r.err.contains("read layer 0 (sha256:") && r.err.contains("read layer 2 (sha256:"), r.err);
    assertFalse(r.err.contains("layer 3 ("), r.err);
    Run a = CliTest.cli("analyze", sample(), "--from", "3");
    assertEquals(2, a.exit, a.err);
    assertTrue(a.err.contains("is beyond the last layer (2)"), a.err);
  }

  @Test
  void countsAgreeWithTheirNouns() {
    Run r =
        CliTest.cli(
            "squash",
            sample(),
            "-o",
            dir.resolve("o.tar").toString(),
            "--preset",
            "docs",
            "--remove",
            "/etc/*");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("1 whiteout applied, 0 hardlinks promoted"), r.out);
    assertTrue(
        r.out.contains("  1 entry\n") || r.out.contains("  1 entry" + System.lineSeparator()),
        r.out);
    assertFalse(r.out.contains(" 1 entries"), r.out);
    assertTrue(r.out.contains("docker, uncompressed layers, manifest sha256:"), r.out);
    assertFalse(r.out.contains("none layers"), r.out);
    Run a = CliTest.cli("analyze", sample(), "--duplicates");
    assertTrue(a.out.contains("  1 group repeats "), a.out);
  }

  @Test
  void anUnusableTempDirSaysWhy() throws Exception {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    Run r =
        CliTest.cli(
            "squash",
            sample(),
            "-o",
            dir.resolve("o.tar").toString(),
            "--temp-dir",
            file.toString());
    assertEquals(7, r.exit, r.err);
    assertTrue(
        r.err.strip().endsWith("cannot write temporary file in " + file + ": Not a directory"),
        r.err);
  }
}
