package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * skopeo's transport names, {@code oci-archive:}, {@code oci:} and {@code docker-archive:}, on both
 * sides.
 */
class TransportNamesTest {
  @TempDir Path dir;

  private String sample() {
    return TestData.sample().toString();
  }

  @Test
  void aTransportNamesThePathAndTheFormat() throws Exception {
    Path viaTransport = dir.resolve("t.tar");
    Path viaFlag = dir.resolve("f.tar");
    Run a =
        CliTest.cli(
            "squash", "-q", "docker-archive:" + sample(), "-o", "oci-archive:" + viaTransport);
    assertEquals(0, a.exit, a.err);
    Run b = CliTest.cli("squash", "-q", sample(), "-o", viaFlag.toString(), "--format", "oci");
    assertEquals(0, b.exit, b.err);
    assertArrayEquals(Files.readAllBytes(viaFlag), Files.readAllBytes(viaTransport));

    Path layout = dir.resolve("layout");
    Run c = CliTest.cli("squash", "-q", "oci-archive:" + viaTransport, "-o", "oci:" + layout);
    assertEquals(0, c.exit, c.err);
    assertTrue(
        Files.isRegularFile(layout.resolve("oci-layout"))
            && Files.isRegularFile(layout.resolve("index.json")));

    Path back = dir.resolve("back.tar");
    Run d =
        CliTest.cli("squash", "-q", "oci:" + layout + ":latest", "-o", "docker-archive:" + back);
    assertEquals(0, d.exit, d.err);
    assertTrue(
        Files.readString(dir.resolve("back.tar"), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("manifest.json"));
  }

  @Test
  void theNameAfterThePathSelectsTheImage() throws Exception {
    Path layout = dir.resolve("layout");
    assertEquals(0, CliTest.cli("squash", "-q", sample(), "-o", "oci:" + layout).exit);
    Run ok = CliTest.cli("analyze", "-q", "oci:" + layout + ":latest");
    assertEquals(0, ok.exit, ok.err);
    Run missing = CliTest.cli("analyze", "-q", "oci:" + layout + ":nope");
    assertEquals(2, missing.exit, missing.err);
    assertTrue(missing.err.contains("no image matches ref=nope"), missing.err);
    Run both = CliTest.cli("analyze", "-q", "oci:" + layout + ":latest", "--ref", "other");
    assertEquals(2, both.exit, both.err);
    assertTrue(both.err.contains("but --ref names 'other'"), both.err);
  }

  @Test
  void anOutputTransportThatDisagreesOrNamesTheImageIsAUsageError() {
    Path out = dir.resolve("o");
    Run named = CliTest.cli("squash", sample(), "-o", "oci:" + out + ":v1");
    assertEquals(2, named.exit, named.err);
    assertTrue(named.err.contains("naming the output image is not supported"), named.err);
    Run format = CliTest.cli("squash", sample(), "-o", "oci:" + out, "--format", "docker");
    assertEquals(2, format.exit, format.err);
    assertTrue(format.err.contains("is oci-dir but --format says docker"), format.err);
    Run noPath = CliTest.cli("squash", "oci-archive:", "-o", out.toString());
    assertEquals(2, noPath.exit, noPath.err);
    assertFalse(Files.exists(out));
  }
}
