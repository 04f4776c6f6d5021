package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze docker://...}: the same report as for the saved image, with the registry options
 * squash takes, each layer blob downloaded once and nothing stored. Against Debian's
 * docker-registry on 127.0.0.1, plain HTTP.
 */
@Tag("integration") // docker-registry, skopeo
class RegistryAnalyzeTest {
  @TempDir static Path work;
  static LocalRegistry reg;

  @BeforeAll
  static void start() throws Exception {
    reg = LocalRegistry.plain(work.resolve("registry"));
    reg.pushSample();
  }

  @AfterAll
  static void stop() {
    if (reg != null) {
      reg.close();
    }
  }

  static Path sample() {
    return TestData.sample();
  }

  @Test
  void aRegistryImageIsAnalyzedLikeItsSavedFileDownloadingEachLayerOnce() throws Exception {
    Path tmp = Files.createDirectories(work.resolve("tmp"));
    Path json = work.resolve("a.json");
    int mark = reg.requests().size();
    Run r =
        CliTest.cli(
            "analyze",
            reg.ref("src/busybox:1"),
            "--tls-verify=false",
            "--temp-dir",
            tmp.toString(),
            "--json",
            json.toString(),
            "--duplicates");
    assertEquals(0, r.exit, r.err);
    Run file = CliTest.cli("analyze", sample().toString(), "--duplicates");
    assertEquals(0, file.exit, file.err);
    // Same files, waste and estimates as the saved image; only the compressed sizes differ (skopeo
    // gzips on push).
    assertEquals(comparable(file.out), comparable(r.out));
    assertTrue(r.out.contains("52 paths in the final tree (20 files)"), r.out);
    assertTrue(Files.size(json) > 0);
    // the config and three layers, each blob fetched once
    java.util.List<String> gets =
        reg.requests().subList(mark, reg.requests().size()).stream()
            .filter(l -> l.contains("GET /v2/src/busybox/blobs/"))
            .map(l -> l.replaceAll(".*/blobs/(sha256:[0-9a-f]{64}).*", "$1"))
            .toList();
    assertEquals(4, gets.size(), String.join("\n", reg.requests()));
    assertEquals(4, gets.stream().distinct().count(), gets.toString());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(0, s.count(), "the temp dir holds nothing afterwards");
    }
  }

  /** The report without the lines that name the input or depend on the layers' compression. */
  private static String comparable(String report) {
    java.util.regex.Pattern layerRow =
        java.util.regex.Pattern.compile("^\\s+\\d+\\s+[\\d.]+ (B|KiB|MiB) ");
    return report
        .lines()
        .filter(l -> !l.contains("busybox") && !l.contains("compress") && !l.contains("ratio"))
        .filter(l -> !layerRow.matcher(l).find())
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void aPriorInTheRegistryGivesTheRepull() throws Exception {
    Run r =
        CliTest.cli(
            "analyze",
            reg.ref("src/busybox:1"),
            "--prior",
            reg.ref("src/busybox:1"),
            "--tls-verify=false",
            "--fail-if",
            "repull>1%");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("Re-pull: 0 B of "), r.out);
  }

  @Test
  void registryOptionsAreAcceptedAndAMissingTagIsOneLine() {
    Run r =
        CliTest.cli(
            "analyze",
            reg.ref("src/busybox:nope"),
            "--tls-verify=false",
            "--retries",
            "1",
            "--platform",
            "linux/amd64");
    assertEquals(8, r.exit, r.err);
    assertTrue(r.err.startsWith("ocisquash: error: ") && r.err.strip().lines().count() == 1, r.err);
    assertTrue(r.err.contains("src/busybox"), r.err);
  }
}
