package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry destination gets gzip layers by default, even from an uncompressed docker save. */
@Tag("integration") // docker-registry, skopeo
class RegistryCompressionTest {
  @TempDir static Path work;
  static LocalRegistry reg;

  @BeforeAll
  static void start() throws Exception {
    reg = LocalRegistry.plain(work.resolve("registry"));
  }

  @AfterAll
  static void stop() {
    if (reg != null) {
      reg.close();
    }
  }

  @Test
  void anUncompressedSaveIsPushedGzipped() throws Exception {
    String sample = TestData.sample().toString();
    Run r = CliTest.cli("squash", sample, "-o", reg.ref("dst/busybox:sq"), "--tls-verify=false");
    assertEquals(0, r.exit, r.err);
    assertFalse(r.out.contains("--compression gzip"), r.out);
    JsonNode m = reg.rawManifest(reg.ref("dst/busybox:sq"));
    String type = m.path("layers").get(0).path("mediaType").asText();
    assertTrue(type.endsWith("gzip"), m.toString());
    reg.skopeo("inspect", "--tls-verify=false", reg.ref("dst/busybox:sq"));
    Run none =
        CliTest.cli(
            "squash",
            sample,
            "-o",
            reg.ref("dst/busybox:none"),
            "--tls-verify=false",
            "--compression",
            "none");
    assertEquals(0, none.exit, none.err);
    assertFalse(
        reg.rawManifest(reg.ref("dst/busybox:none"))
            .path("layers")
            .get(0)
            .path("mediaType")
            .asText()
            .endsWith("gzip"));
  }
}
