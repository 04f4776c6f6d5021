package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocisquash analyze}: exit codes, JSON, and the HTML page rendered in real headless
 * Chromium.
 */
class AnalyzeCommandTest {
  @TempDir Path tmp;

  private Path sample() {
    return TestData.sample();
  }

  @Test
  void exitCodesAndJson() throws Exception {
    Path json = tmp.resolve("a.json");
    assertEquals(
        0,
        Main.run("analyze", sample().toString(), "-q", "--json", json.toString(), "--duplicates"));
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertEquals(2, j.path("schemaVersion").asInt());
    assertEquals(3, j.path("layers").size());
    assertEquals(
        j.path("totals").path("layerContentBytes").asLong()
            - j.path("totals").path("finalContentBytes").asLong(),
        j.path("totals").path("wastedBytes").asLong());
    assertTrue(j.path("duplicates").path("searched").asBoolean());
    // Gates: tripped -> 3, not tripped -> 0, malformed -> 2 (usage).
    assertEquals(3, Main.run("analyze", sample().toString(), "-q", "--fail-if", "wasted>100KB"));
    assertEquals(
        3,
        Main.run(
            "analyze",
            sample().toString(),
            "-q",
            "--fail-if",
            "size>1GB",
            "--fail-if",
            "efficiency<0.9"));
    assertEquals(
        0,
        Main.run(
            "analyze",
            sample().toString(),
            "-q",
            "--fail-if",
            "wasted>100MB",
            "--fail-if",
            "size>1GB"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--fail-if", "wasted>>1"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--fail-if", "bogus<3"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--preset", "bogus"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--preset", "simd-variants"));
    assertEquals(
        0,
        Main.run(
            "analyze",
            sample().toString(),
            "-q",
            "--preset",
            "simd-variants",
            "--cpu-level",
            "v3"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--from", "7"));
    assertEquals(2, Main.run("analyze", tmp.resolve("missing.tar").toString()));
  }

  @Test
  void rulesFileEstimatesWhatTheSameFlagsEstimate() throws Exception {
    Path rules = tmp.resolve("rules.json");
    java.nio.file.Files.writeString(
        rules, "{\"presets\": [\"safe\"], \"removes\": [\"/usr/share/**\", \"/etc/**\"]}");
    Path fromFile = tmp.resolve("file.json");
    Path fromFlags = tmp.resolve("flags.json");
    Path none = tmp.resolve("none.json");
    assertEquals(
        0,
        Main.run(
            "analyze",
            sample().toString(),
            "-q",
            "--rules",
            rules.toString(),
            "--json",
            fromFile.toString()));
    assertEquals(
        0,
        Main.run(
            "analyze",
            sample().toString(),
            "-q",
            "--preset",
            "safe",
            "--remove",
            "/usr/share/**",
            "--remove",
            "/etc/**",
            "--json",
            fromFlags.toString()));
    assertEquals(0, Main.run("analyze", sample().toString(), "-q", "--json", none.toString()));
    ObjectMapper m = new ObjectMapper();
    JsonNode file = m.readTree(fromFile.toFile()).path("strip");
    assertTrue(file.path("removedBytes").asLong() > 0, file.toString());
    assertEquals(m.readTree(fromFlags.toFile()).path("strip"), file);
    assertTrue(m.readTree(none.toFile()).path("strip").isNull());
    java.nio.file.Files.writeString(rules, "{\"removes\": 3}");
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--rules", rules.toString()));
  }

  @Test
  void gateSummaryLines() throws Exception {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int rc;
    try {
      rc =
          Main.run(
              "analyze",
              sample().toString(),
              "-q",
              "--fail-if",
              "size>1GB",
              "--fail-if",
              "wasted>100KB");
    } finally {
      System.setErr(old);
    }
    assertEquals(3, rc);
    List<String> lines = err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertTrue(
        lines
            .get(0)
            .matches(
                "ocisquash: gate wasted>100KB tripped: wasted is .* \\(\\d+ bytes\\), "
                    + "threshold > 97\\.7 KiB \\(100000 bytes\\)"),
        lines.toString());
    assertTrue(
        lines.get(1).startsWith("ocisquash: gate size>1GB passed: size is "), lines.toString());
    assertEquals(2, lines.size(), lines.toString());
  }

  @Test
  @Tag("integration") // headless Chromium
  void htmlRendersInHeadlessChromium() throws Exception {
    Path html = tmp.resolve("report.html");
    assertEquals(
        0,
        Main.run(
            "analyze",
            sample().toString(),
            "-q",
            "--html",
            html.toString(),
            "--duplicates",
            "--preset",
            "safe"));
    ReportPage page =
        ReportPage.render(html, Path.of("target", "analyze-busybox.png").toAbsolutePath(), tmp);
    assertTrue(page.dom.contains("id=\"treemap\""));
    assertTrue(page.count("data-path=") >= 2, "treemap cells missing");
    assertTrue(page.dom.contains("id=\"strip\""), "strip section missing");
    assertTrue(page.dom.contains("id=\"bulk\""), "headline table missing");
    assertTrue(
        page.dom.contains("class=\"bar-live\"") && page.dom.contains("class=\"bar-wasted\""),
        "layer bars missing");
    int[] labels = page.labelsByDepth();
    assertTrue(
        labels[0] > 0 && labels[1] > 0,
        "labels below the top level: " + java.util.Arrays.toString(labels));
    String info = ReportPage.focused(html, "/bin", tmp);
    assertTrue(info.matches("/bin/\\S+  [0-9.]+ (B|KiB|MiB)  \\(.+\\)"), info);
  }
}
