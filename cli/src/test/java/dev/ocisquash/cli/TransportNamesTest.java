package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
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

  /**
   * A name after the output path names the output image, as skopeo's transports do: an OCI ref name
   * written as it is, or a docker name as the RepoTag.
   */
  @Test
  void aNameAfterTheOutputPathNamesTheOutputImage() throws Exception {
    Path layout = dir.resolve("named");
    Run oci = CliTest.cli("squash", "-q", sample(), "-o", "oci:" + layout + ":v1.0-rc");
    assertEquals(0, oci.exit, oci.err);
    JsonNode entry =
        new ObjectMapper().readTree(layout.resolve("index.json").toFile()).path("manifests");
    assertEquals(1, entry.size(), entry.toString());
    assertEquals(
        "{\"org.opencontainers.image.ref.name\":\"v1.0-rc\"}",
        entry.get(0).path("annotations").toString());
    assertEquals(0, CliTest.cli("analyze", "-q", "oci:" + layout + ":v1.0-rc").exit);

    Path docker = dir.resolve("named.tar");
    Run d = CliTest.cli("squash", "-q", sample(), "-o", "docker-archive:" + docker + ":team/app:2");
    assertEquals(0, d.exit, d.err);
    JsonNode manifest =
        new ObjectMapper()
            .readTree(Proc.of("tar", "-xOf", docker.toString(), "manifest.json").check());
    assertEquals("[\"team/app:2\"]", manifest.get(0).path("RepoTags").toString());
    assertEquals(0, CliTest.cli("analyze", "-q", "docker-archive:" + docker + ":team/app:2").exit);
  }

  /** skopeo, an independent reader, finds the named images by those names and only by them. */
  @Test
  @Tag("integration") // skopeo
  void skopeoFindsTheNamedOutputsByTheirNames() throws Exception {
    Path layout = dir.resolve("named");
    assertEquals(0, CliTest.cli("squash", "-q", sample(), "-o", "oci:" + layout + ":v1.0-rc").exit);
    Proc.of("skopeo", "inspect", "oci:" + layout + ":v1.0-rc").timeout(60).check();
    assertTrue(
        Proc.of("skopeo", "inspect", "oci:" + layout + ":other").timeout(60).run().exit() != 0);
    Path docker = dir.resolve("named.tar");
    assertEquals(
        0,
        CliTest.cli("squash", "-q", sample(), "-o", "docker-archive:" + docker + ":team/app:2")
            .exit);
    String inspect =
        Proc.of("skopeo", "inspect", "docker-archive:" + docker + ":team/app:2")
            .timeout(60)
            .check();
    assertTrue(inspect.contains("\"Name\": \"docker.io/team/app\""), inspect);
    assertTrue(
        Proc.of("skopeo", "inspect", "docker-archive:" + docker + ":team/app:3")
                .timeout(60)
                .run()
                .exit()
            != 0);
  }

  @Test
  void anOutputNameOutsideItsGrammarIsOneLineAndWritesNothing() {
    Path layout = dir.resolve("bad");
    Run oci = CliTest.cli("squash", sample(), "-o", "oci:" + layout + ":has space");
    assertEquals(2, oci.exit, oci.err);
    assertTrue(oci.err.contains("'has space' is not an OCI ref name"), oci.err);
    assertEquals(1, oci.err.strip().lines().count(), oci.err);
    assertFalse(Files.exists(layout));
    Path docker = dir.resolve("bad.tar");
    Run d = CliTest.cli("squash", sample(), "-o", "docker-archive:" + docker + ":Upper/Case");
    assertEquals(2, d.exit, d.err);
    assertTrue(d.err.contains("'Upper/Case' is not a docker image name"), d.err);
    assertFalse(Files.exists(docker));
    Run digest =
        CliTest.cli(
            "squash", sample(), "-o", "docker-archive:" + docker + ":app@sha256:" + "0".repeat(64));
    assertEquals(2, digest.exit, digest.err);
    assertFalse(Files.exists(docker));
  }

  @Test
  void anOutputTransportThatDisagreesIsAUsageError() {
    Path out = dir.resolve("o");
    Run format = CliTest.cli("squash", sample(), "-o", "oci:" + out, "--format", "docker");
    assertEquals(2, format.exit, format.err);
    assertTrue(format.err.contains("is oci-dir but --format says docker"), format.err);
    Run noPath = CliTest.cli("squash", "oci-archive:", "-o", out.toString());
    assertEquals(2, noPath.exit, noPath.err);
    assertFalse(Files.exists(out));
  }
}
