package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an {@code analyze --html} page in real headless Chromium and checks what a user would
 * see: the script ran to the end, recorded no error and no blocked request, and the page's sections
 * are there. Keeps a screenshot. Chromium is required (Debian package {@code chromium}, installed
 * by .ci/install-deps).
 */
final class ReportPage {
  /** The DOM after the page's script ran. */
  final String dom;

  private ReportPage(String dom) {
    this.dom = dom;
  }

  /**
   * Loads the page, checks it, and writes a screenshot of it to {@code png}.
   *
   * @param work a scratch directory for the browser profiles
   */
  static ReportPage render(Path html, Path png, Path work) throws Exception {
    String page = Files.readString(html);
    assertTrue(page.length() < 5_000_000, "page too large: " + page.length());
    assertTrue(
        page.contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                + "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"),
        "the page must forbid network requests with its CSP");
    String noSvgNs = page.replace("http://www.w3.org/2000/svg", "");
    assertFalse(
        noSvgNs.contains("http://") || noSvgNs.contains("https://"),
        "the page must not reference the network");

    String dom =
        chromium(List.of("--dump-dom", html.toUri().toString()), work.resolve("profile-dom"))
            .output();
    assertTrue(dom.contains("data-ready=\"1\""), "the page's script did not finish:\n" + head(dom));
    // Script errors, console errors and requests the CSP blocked are recorded by the page itself.
    assertFalse(dom.contains("data-errors="), "errors in the page: " + attr(dom, "data-errors"));

    Files.createDirectories(png.getParent());
    Proc.Result shot =
        chromium(
            List.of(
                "--enable-logging=stderr",
                "--v=0",
                "--screenshot=" + png,
                "--window-size=1300,2000",
                html.toUri().toString()),
            work.resolve("profile-shot"));
    assertTrue(Files.size(png) > 10_000, "screenshot too small");
    for (String line : shot.output().split("\n", -1)) {
      assertFalse(
          line.contains("Uncaught")
              || (line.contains("CONSOLE") && line.toLowerCase(Locale.ROOT).contains("error")),
          "console error: " + line);
    }
    return new ReportPage(dom);
  }

  /**
   * The DOM of the page opened at {@code report.html#/DIR}: the treemap zoomed into DIR with its
   * first cell focused, which shows that cell's path and size in the page's info line, as keyboard
   * focus does.
   */
  static String focused(Path html, String dir, Path work) throws Exception {
    String dom =
        chromium(List.of("--dump-dom", html.toUri() + "#" + dir), work.resolve("profile-focus"))
            .output();
    assertTrue(dom.contains("data-ready=\"1\""), "the page's script did not finish");
    assertFalse(dom.contains("data-errors="), "errors in the page: " + attr(dom, "data-errors"));
    Matcher m = Pattern.compile("<div id=\"info\"[^>]*>([^<]*)</div>").matcher(dom);
    assertTrue(m.find(), "no info line");
    return m.group(1);
  }

  /**
   * How many treemap labels are drawn at each depth below the current zoom level, index = depth.
   */
  int[] labelsByDepth() {
    int[] out = new int[32];
    Matcher m = Pattern.compile("class=\"lbl\" data-depth=\"(\\d+)\"").matcher(dom);
    while (m.find()) {
      out[Math.min(31, Integer.parseInt(m.group(1)))]++;
    }
    return out;
  }

  int count(String needle) {
    int n = 0;
    for (int i = dom.indexOf(needle); i >= 0; i = dom.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static String attr(String dom, String name) {
    int i = dom.indexOf(name + "=\"");
    return i < 0
        ? ""
        : dom.substring(i, Math.min(dom.length(), dom.indexOf('"', i + name.length() + 2) + 1));
  }

  private static String head(String s) {
    return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
  }

  static Proc.Result chromium(List<String> args, Path profile) throws Exception {
    Files.createDirectories(profile);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    cmd.addAll(args);
    Proc.Result r = Proc.of(cmd).timeout(120).run();
    assertEquals(
        0, r.exit(), "chromium failed (it is required: apt-get install chromium):\n" + r.output());
    return r;
  }
}
