package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ocisquash analyze}: exit codes, JSON, and the HTML page rendered in real headless Chromium. */
class AnalyzeCommandTest {
  @TempDir Path tmp;

  private Path sample() {
    return Tools.testdata().resolve("sample/busybox-sample.tar");
  }

  @Test
  void exitCodesAndJson() throws Exception {
    Path json = tmp.resolve("a.json");
    assertEquals(0, Main.run("analyze", sample().toString(), "-q", "--json", json.toString(), "--duplicates"));
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertEquals(1, j.path("schemaVersion").asInt());
    assertEquals(3, j.path("layers").size());
    assertEquals(
        j.path("totals").path("layerContentBytes").asLong() - j.path("totals").path("finalContentBytes").asLong(),
        j.path("totals").path("wastedBytes").asLong());
    assertTrue(j.path("duplicates").path("searched").asBoolean());
    // Gates: tripped -> 3, not tripped -> 0, malformed -> 2 (usage).
    assertEquals(3, Main.run("analyze", sample().toString(), "-q", "--fail-if", "wasted>100KB"));
    assertEquals(3, Main.run("analyze", sample().toString(), "-q", "--fail-if", "size>1GB", "--fail-if", "efficiency<0.9"));
    assertEquals(0, Main.run("analyze", sample().toString(), "-q", "--fail-if", "wasted>100MB", "--fail-if", "size>1GB"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--fail-if", "wasted>>1"));
    assertEquals(2, Main.run("analyze", sample().toString(), "-q", "--fail-if", "bogus<3"));
    assertEquals(1, Main.run("analyze", sample().toString(), "-q", "--from", "7"));
    assertEquals(1, Main.run("analyze", tmp.resolve("missing.tar").toString()));
  }

  @Test
  void htmlRendersInHeadlessChromium() throws Exception {
    Path html = tmp.resolve("report.html");
    assertEquals(0, Main.run("analyze", sample().toString(), "-q", "--html", html.toString(), "--duplicates"));
    String page = Files.readString(html);
    assertTrue(page.length() < 5_000_000, "page too large: " + page.length());
    assertFalse(page.contains("http://") && page.replace("http://www.w3.org/2000/svg", "").contains("http://"),
        "the page must not reference the network");
    assertFalse(page.contains("https://"), "the page must not reference the network");

    String dom = chromium(List.of("--dump-dom", html.toUri().toString()), tmp.resolve("p1")).output;
    assertTrue(dom.contains("data-ready=\"1\""), "script did not finish:\n" + dom);
    assertTrue(dom.contains("id=\"treemap\""), dom);
    assertTrue(count(dom, "data-path=") >= 2, "treemap rects missing");
    assertTrue(dom.contains("class=\"bar-live\"") && dom.contains("class=\"bar-wasted\""), "layer bars missing");

    Path png = tmp.resolve("report.png");
    Tools.Result shot =
        chromium(
            List.of("--enable-logging=stderr", "--v=0", "--screenshot=" + png, "--window-size=1280,1600",
                html.toUri().toString()),
            tmp.resolve("p2"));
    assertTrue(Files.size(png) > 10_000, "screenshot too small");
    for (String line : shot.output.split("\n")) {
      assertFalse(line.contains("Uncaught") || (line.contains("CONSOLE") && line.toLowerCase().contains("error")),
          "console error: " + line);
    }
    if (System.getenv("OCISQUASH_KEEP_SCREENSHOT") != null) {
      Files.copy(png, Path.of(System.getenv("OCISQUASH_KEEP_SCREENSHOT")),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static Tools.Result chromium(List<String> args, Path profile) throws Exception {
    Files.createDirectories(profile);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
    cmd.addAll(args);
    Tools.Result r = Tools.run(cmd, 120);
    assertEquals(0, r.exit, "chromium failed (it is required: apt-get install chromium):\n" + r.output);
    return r;
  }
}
