package dev.ocisquash.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.strip.Presets;
import dev.ocisquash.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "what is eating the space" rows on a small image made by umoci from a real filesystem: an
 * uncleaned apt cache, pip and npm caches, docs with license files and hardlinks, locales, static
 * libraries, headers beside a compiler, python byte-code and a JDK. Every row a preset removes must
 * add up, per preset, to that preset's estimate, to the byte; what an opt-in preset "adds" must
 * equal what the analysis with it given removes more.
 */
@Tag("integration") // a fixture built with umoci
class KnownBulkRowsTest {
  @TempDir static Path dir;
  static Path layout;

  static void file(Path root, String path, int size) throws Exception {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (path.hashCode() + i * 31);
    }
    Files.write(p, b);
  }

  @BeforeAll
  static void build() throws Exception {
    layout = dir.resolve("layout");
    Proc.of("umoci", "--log=error", "init", "--layout", layout.toString()).dir(dir).check();
    Proc.of("umoci", "--log=error", "new", "--image", layout + ":t").dir(dir).check();
    Path bundle = dir.resolve("bundle");
    Proc.of("umoci", "--log=error", "unpack", "--image", layout + ":t", bundle.toString())
        .dir(dir)
        .check();
    Path r = bundle.resolve("rootfs");
    file(r, "usr/bin/gcc", 3000);
    file(r, "usr/include/stdio.h", 7000);
    file(r, "usr/share/doc/pkg/README", 20_000);
    file(r, "usr/share/doc/pkg/copyright", 3_000);
    file(r, "usr/share/doc/pkg/NEWS", 5_000);
    file(r, "usr/share/man/man1/x.1.gz", 4_000);
    file(r, "usr/share/locale/de/LC_MESSAGES/x.mo", 6_000);
    file(r, "usr/share/locale/en_GB/LC_MESSAGES/x.mo", 1_000);
    file(r, "usr/lib/x86_64-linux-gnu/libfoo.a", 9_000);
    // With a compiler in the image, static-libs removes an archive only where a shared library
    // stands beside it.
    file(r, "usr/lib/x86_64-linux-gnu/libfoo.so", 500);
    file(r, "usr/lib/python3/site-packages/pkg/__pycache__/m.cpython-311.pyc", 2_500);
    file(r, "usr/lib/python3/site-packages/pkg/m.py", 1_500);
    file(r, "opt/jdk/lib/modules", 50_000);
    file(r, "opt/jdk/lib/src.zip", 30_000);
    // Hardlinks: both names in the docs (content goes once), and one name kept outside the docs
    // (content stays).
    Files.createLink(
        r.resolve("usr/share/doc/pkg/README.link"), r.resolve("usr/share/doc/pkg/README"));
    Files.createDirectories(r.resolve("usr/lib/foo"));
    Files.createLink(r.resolve("usr/lib/foo/NEWS"), r.resolve("usr/share/doc/pkg/NEWS"));
    Proc.of(
            "umoci",
            "--log=error",
            "repack",
            "--refresh-bundle",
            "--image",
            layout + ":t",
            bundle.toString())
        .dir(dir)
        .check();
    file(r, "var/cache/apt/archives/a.deb", 100_000);
    file(r, "var/cache/apt/archives/b.deb", 50_000);
    file(r, "var/lib/apt/lists/deb_Packages", 40_000);
    file(r, "root/.cache/pip/http/ab/cd", 12_000);
    file(r, "root/.npm/_cacache/content-v2/x", 11_000);
    Files.delete(r.resolve("usr/share/man/man1/x.1.gz"));
    Proc.of(
            "umoci",
            "--log=error",
            "repack",
            "--refresh-bundle",
            "--image",
            layout + ":t",
            bundle.toString())
        .dir(dir)
        .check();
  }

  static ImageAnalysis analyze(String... presets) throws Exception {
    AnalyzeOptions.Builder b = AnalyzeOptions.builder().selector(ImageSelector.of("t", null));
    for (String p : presets) {
      b.preset(p);
    }
    return Analyzer.analyze(layout, b.build());
  }

  static ImageAnalysis.BulkItem row(ImageAnalysis a, String source) {
    return a.knownBulk().stream()
        .filter(b -> b.source().equals(source))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + source + " in " + a.knownBulk()));
  }

  /** Sum of the removal rows per preset. */
  static Map<String, Long> rowsPerPreset(ImageAnalysis a) {
    Map<String, Long> m = new HashMap<>();
    for (ImageAnalysis.BulkItem b : a.knownBulk()) {
      if (b.action().equals(ImageAnalysis.REMOVE)) {
        m.merge(b.preset(), b.bytes(), Long::sum);
      }
    }
    return m;
  }

  @Test
  void safeRowsNameTheirPresetAndAddUpToTheEstimate() throws Exception {
    ImageAnalysis a = analyze("safe");
    ImageAnalysis.BulkItem debs = row(a, "/var/cache/apt/archives/*.deb");
    assertEquals(150_000, debs.bytes());
    assertEquals(2, debs.files());
    assertEquals("package-manager-caches", debs.preset());
    assertTrue(debs.selected());
    assertEquals(12_000, row(a, "/root/.cache/pip").bytes());
    assertEquals(11_000, row(a, "/root/.npm/_cacache").bytes());
    assertEquals(40_000, row(a, "/var/lib/apt/lists/deb_Packages").bytes());
    assertEquals(30_000, row(a, "/opt/jdk/lib/src.zip").bytes());
    // README and its hardlink count once; NEWS frees nothing, its other name stays.
    ImageAnalysis.BulkItem docs = row(a, "/usr/share/doc");
    assertEquals(20_000, docs.bytes());
    assertEquals("docs", docs.preset());
    // License files: kept on purpose, and said so.
    ImageAnalysis.BulkItem lic = row(a, "/usr/share/doc/pkg/copyright");
    assertEquals(ImageAnalysis.KEEP, lic.action());
    assertEquals("keep: license files, docs keeps them", lic.why());
    // Headers stay because gcc does.
    ImageAnalysis.BulkItem inc = row(a, "/usr/include");
    assertEquals(ImageAnalysis.KEEP, inc.action());
    assertTrue(inc.why().contains("compiler"), inc.why());
    // The JDK runtime: known bulk that no preset removes.
    ImageAnalysis.BulkItem jdk = row(a, "/opt/jdk");
    assertEquals(ImageAnalysis.NONE, jdk.action());
    assertEquals(50_000, jdk.bytes());
    assertEquals("no preset", jdk.why());

    // Per preset given: rows == the strip engine's per-rule total, to the byte; together == all
    // removed bytes.
    Map<String, Long> rows = rowsPerPreset(a);
    long selected = 0;
    for (ImageAnalysis.RuleSaving r : a.strip().perRule()) {
      assertEquals(r.bytes(), rows.getOrDefault(r.rule(), 0L), "rows of " + r.rule());
    }
    for (ImageAnalysis.BulkItem b : a.knownBulk()) {
      selected += b.selected() ? b.bytes() : 0;
    }
    assertEquals(a.strip().removedBytes(), selected);
    assertEquals(150_000 + 40_000 + 12_000 + 11_000 + 20_000 + 30_000, a.strip().removedBytes());
    // Rows are sorted by size.
    for (int i = 1; i < a.knownBulk().size(); i++) {
      assertTrue(a.knownBulk().get(i - 1).bytes() >= a.knownBulk().get(i).bytes());
    }
  }

  @Test
  void everyOptInPresetShowsWhatItAddsAndThatIsWhatItRemoves() throws Exception {
    ImageAnalysis safe = analyze("safe");
    Map<String, ImageAnalysis.PresetEstimate> est =
        safe.presetEstimates().stream()
            .collect(Collectors.toMap(ImageAnalysis.PresetEstimate::preset, p -> p));
    Map<String, Long> rows = rowsPerPreset(safe);
    for (dev.ocisquash.strip.Preset p : Presets.all()) {
      ImageAnalysis.PresetEstimate e = est.get(p.name());
      assertNotNull(e, "every preset appears: " + p.name());
      assertEquals(p.optIn(), !e.selected(), p.name());
      assertEquals(e.bytes(), (long) rows.getOrDefault(p.name(), 0L), "rows of " + p.name());
      if (p.optIn()) {
        // Independently: analyze with the preset given too; what it removes more is what was
        // promised.
        ImageAnalysis with =
            p.name().equals("simd-variants")
                ? Analyzer.analyze(
                    layout,
                    AnalyzeOptions.builder()
                        .selector(ImageSelector.of("t", null))
                        .preset("safe")
                        .preset(p.name())
                        .cpuLevel(StripSupport.ASSUMED_CPU_LEVEL)
                        .build())
                : analyze("safe", p.name());
        assertEquals(
            with.strip().removedBytes() - safe.strip().removedBytes(), e.bytes(), p.name());
      }
    }
    assertEquals(6_000, est.get("locale").bytes(), "only the German catalogue goes");
    assertEquals(9_000, est.get("static-libs").bytes());
    assertEquals(2_500, est.get("pycache").bytes());
    ImageAnalysis.BulkItem loc = row(safe, "/usr/share/locale/de");
    assertEquals("locale", loc.preset());
    assertFalse(loc.selected());

    // With locale given it is a selected row and no longer an estimate of its own.
    ImageAnalysis both = analyze("safe", "locale");
    assertTrue(row(both, "/usr/share/locale/de").selected());
    assertTrue(
        both.presetEstimates().stream().anyMatch(p -> p.preset().equals("locale") && p.selected()));
  }

  @Test
  void withoutPresetsSafeAndEachOptInShowWhatTheyWouldRemove() throws Exception {
    ImageAnalysis none = analyze();
    ImageAnalysis safe = analyze("safe");
    assertEquals(null, none.strip());
    ImageAnalysis.PresetEstimate umbrella =
        none.presetEstimates().stream()
            .filter(p -> p.preset().equals(Presets.SAFE))
            .findFirst()
            .orElseThrow();
    assertEquals(safe.strip().removedBytes(), umbrella.bytes());
    assertEquals(150_000, row(none, "/var/cache/apt/archives/*.deb").bytes());
    assertFalse(row(none, "/var/cache/apt/archives/*.deb").selected());
    long safeRows =
        none.knownBulk().stream()
            .filter(
                b ->
                    b.action().equals(ImageAnalysis.REMOVE)
                        && BulkRows.groupOf(b.preset()).equals(Presets.SAFE))
            .mapToLong(ImageAnalysis.BulkItem::bytes)
            .sum();
    assertEquals(umbrella.bytes(), safeRows);
  }

  @Test
  void reportsShowTheHeadline() throws Exception {
    ImageAnalysis a = analyze("safe");
    String text = TextReport.render(a, 10);
    assertTrue(text.contains("WHAT'S EATING THE SPACE"), text);
    assertTrue(text.contains("* /var/cache/apt/archives/*.deb"), text);
    assertTrue(text.contains("keep: license files,"), text);
    assertTrue(text.contains("locale (opt-in)"), text);
    assertTrue(text.contains("--preset locale"), text);
    assertFalse(text.lines().anyMatch(l -> l.length() > 100), text);
    JsonNode j = JsonReport.toJson(a);
    JsonNode debs = null;
    for (JsonNode b : j.path("knownBulk")) {
      if (b.path("source").asText().equals("/var/cache/apt/archives/*.deb")) {
        debs = b;
      }
    }
    assertNotNull(debs, j.toPrettyString());
    assertEquals(150_000, debs.path("bytes").asLong());
    assertEquals("remove", debs.path("action").asText());
    assertEquals("package-manager-caches", debs.path("preset").asText());
    assertTrue(debs.path("selected").asBoolean());
    assertEquals(Presets.all().size(), j.path("presets").size());
    String html = HtmlReport.render(a);
    assertTrue(html.contains("id=\"strip\"") && html.contains("id=\"bulk\""), "sections");
    assertTrue(html.contains("/var/cache/apt/archives/*.deb"));
    assertTrue(html.contains("content=\"" + HtmlReport.CSP + "\""));
    // The card tells the stripped estimate apart from the plain squash.
    assertTrue(html.contains("squashed + stripped (est.)"));
  }

  @Test
  void pathsAreCutInTheMiddleAndStayDistinct() {
    String a =
        "/usr/lib/python3/dist-packages/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so";
    String b =
        "/usr/lib/python3/dist-packages/numpy/linalg/_umath_linalg.cpython-311-x86_64-linux-gnu.so";
    String c =
        "/usr/lib/python3/dist-packages/numpy/aaaa/_multiarray_umath.cpython-311-x86_64-linux-gnu.so";
    String ca = TextReport.cutPath(a, 60);
    assertEquals(60, ca.length());
    assertTrue(
        ca.startsWith("/usr/lib/python3/")
            && ca.endsWith("x86_64-linux-gnu.so")
            && ca.contains("…"),
        ca);
    List<String> cut = TextReport.cutPaths(List.of(a, b, c), 60);
    assertEquals(3, cut.stream().distinct().count(), cut.toString());
    // a and c only differ inside the part that the cut drops: shown whole rather than alike.
    assertEquals(TextReport.cutPath(a, 30), TextReport.cutPath(c, 30));
    List<String> narrow = TextReport.cutPaths(List.of(a, c), 30);
    assertNotEquals(narrow.get(0), narrow.get(1));
  }

  @Test
  void gateSummaryNamesValueAndThreshold() throws Exception {
    ImageAnalysis a = analyze();
    String line = Gate.parse("size>100KB").summary(a);
    assertTrue(line.startsWith("gate size>100KB tripped: size is "), line);
    assertTrue(line.contains("threshold > 97.7 KiB (100000 bytes)"), line);
    assertTrue(
        Gate.parse("layers>5")
            .summary(a)
            .startsWith("gate layers>5 passed: layers is 2, threshold > 5"));
  }
}
