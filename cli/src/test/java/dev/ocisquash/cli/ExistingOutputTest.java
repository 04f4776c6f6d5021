package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to an existing output path: a tar output replaces a regular file; anything else that
 * exists (a directory for a tar, any path for an oci-dir) is refused with "already exists", and
 * left as it was.
 */
class ExistingOutputTest {
  @TempDir Path dir;

  private String sample() {
    return TestData.sample().toString();
  }

  @Test
  void aTarReplacesARegularFile() throws Exception {
    Path out = Files.writeString(dir.resolve("o.tar"), "old");
    Run r = CliTest.cli("squash", "-q", sample(), "-o", out.toString());
    assertEquals(0, r.exit, r.err);
    assertTrue(Files.size(out) > 1000);
  }

  @Test
  void aTarOntoADirectoryIsRefused() throws Exception {
    Path out = Files.createDirectory(dir.resolve("o.tar"));
    Files.writeString(out.resolve("keep"), "x");
    Run r = CliTest.cli("squash", "-q", sample(), "-o", out.toString());
    assertEquals(7, r.exit, r.err);
    assertEquals(
        "ocisquash: error: "
            + out
            + ": cannot write: already exists and is a directory (a tar output"
            + " replaces only a regular file; an oci-dir output must be a new path)",
        r.err.strip());
    assertEquals("x", Files.readString(out.resolve("keep")));
  }

  @Test
  void anOciDirOntoAnyExistingPathIsRefused() throws Exception {
    Path d = Files.createDirectory(dir.resolve("layout"));
    Run onDir = CliTest.cli("squash", "-q", sample(), "-o", d.toString(), "--format", "oci-dir");
    assertEquals(7, onDir.exit, onDir.err);
    assertTrue(onDir.err.contains(": cannot write: already exists"), onDir.err);
    Path f = Files.writeString(dir.resolve("file"), "old");
    Run onFile = CliTest.cli("squash", "-q", sample(), "-o", f.toString(), "--format", "oci-dir");
    assertEquals(7, onFile.exit, onFile.err);
    assertEquals(
        "ocisquash: error: "
            + f
            + ": cannot write: already exists (an oci-dir output must be a new path)",
        onFile.err.strip());
    assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
  }
}
