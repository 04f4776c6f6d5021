package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import dev.ocisquash.report.HtmlReport;
import dev.ocisquash.report.ImageAnalysis;
import dev.ocisquash.report.TextReport;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strips a realistic image built from real Debian packages (python3-numpy, openjdk-17 with its
 * source, gcc, locales, man-db, apt lists and .deb archives left in place) with {@code --preset
 * safe}, then checks with independent tools that it still works: umoci unpacks it, and python, java
 * and gcc run in a chroot of it.
 */
@Tag("integration") // debootstrap, chroot, root
class DebianStripTest {
  @TempDir static Path work;
  static Path image;
  static Path original;
  static Path stripped;
  static JsonNode report;

  @BeforeAll
  static void buildStripAndUnpack() throws Exception {
    Path cache = Path.of("target", "debian-image").toAbsolutePath();
    Proc.of(
            "bash",
            TestData.dir().resolve("debian/build-debian-image.sh").toString(),
            cache.toString())
        .timeout(2400)
        .check();
    image = cache.resolve("debian.docker.tar");
    Path out = work.resolve("stripped.tar");
    Path json = work.resolve("report.json");
    int rc =
        InteropTest.runCli(
            "squash",
            image.toString(),
            "-o",
            out.toString(),
            "--preset",
            "safe",
            "--report-json",
            json.toString());
    assertEquals(0, rc);
    report = new ObjectMapper().readTree(json.toFile());
    original = DebianRoot.unpack(work, "docker-archive:" + image, "orig");
    stripped = DebianRoot.unpack(work, "docker-archive:" + out, "stripped");
  }

  @Test
  void pythonWithNumpyJavaAndGccStillRun() throws Exception {
    assertEquals(
        "3",
        DebianRoot.check(stripped, "python3 -c 'import numpy; print(numpy.arange(3).sum())'")
            .strip());
    assertTrue(DebianRoot.check(stripped, "java -version 2>&1").contains("openjdk version \"17"));
    assertTrue(DebianRoot.check(stripped, "gcc --version").contains("gcc"));
    // gcc stays, so its headers must too, and a program must still compile and link
    assertTrue(
        DebianRoot.check(
                stripped,
                "d=$(mktemp -d) && printf '#include <stdio.h>\\nint main(){puts(\"ok\");}' > $d/t.c"
                    + " && gcc $d/t.c -o $d/t && $d/t; rc=$?; rm -rf $d; exit $rc")
            .contains("ok"));
  }

  /**
   * Asks to remove zlib (which the JDK's libzip needs) and the python3.11 binary (which
   * /usr/bin/python3 points at and every python script names): the safety checks keep both and say
   * why, and the image still runs. With --force the same rules break java and python, which shows
   * the checks are what saved it.
   */
  @Test
  void safetyChecksKeepWhatTheImageNeedsAndForceBreaksIt() throws Exception {
    String[] rules = {
      "--remove",
      "/usr/lib/x86_64-linux-gnu/libz.so.*",
      "--remove",
      "/usr/bin/python3.11",
      "--compression",
      "zstd"
    };
    Path checked = work.resolve("checked.tar");
    Path json = work.resolve("checked.json");
    assertEquals(0, squash(checked, json, rules));
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    Set<String> checks = new HashSet<>();
    r.path("decisions")
        .forEach(
            d -> {
              if (d.path("action").asText().equals("kept")) {
                checks.add(d.path("check").asText());
              }
            });
    assertTrue(checks.contains("shared-library"), "kept by the ELF check: " + checks);
    assertTrue(
        checks.contains("interpreter") || checks.contains("symlink"), "python kept: " + checks);
    Path ok = DebianRoot.unpack(work, "docker-archive:" + checked, "checked");
    assertTrue(DebianRoot.check(ok, "java -version 2>&1").contains("openjdk version"));
    assertEquals("ok", DebianRoot.check(ok, "python3 -c 'print(\"ok\")'").strip());

    Path forced = work.resolve("forced.tar");
    String[] forcedRules = java.util.Arrays.copyOf(rules, rules.length + 1);
    forcedRules[rules.length] = "--force";
    assertEquals(0, squash(forced, work.resolve("forced.json"), forcedRules));
    Path broken = DebianRoot.unpack(work, "docker-archive:" + forced, "forced");
    assertTrue(
        DebianRoot.run(broken, "java -version").exit() != 0,
        "without the checks java must fail to start");
    assertTrue(
        DebianRoot.run(broken, "python3 -c pass").exit() != 0,
        "without the checks python3 is gone");
  }

  static int squash(Path out, Path json, String... rules) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "squash",
                image.toString(),
                "-o",
                out.toString(),
                "--report-json",
                json.toString(),
                "-q"));
    args.addAll(List.of(rules));
    return InteropTest.runCli(args.toArray(new String[0]));
  }

  @Test
  void onlyTheReportedPathsAreMissingAndEverythingElseIsIdentical() throws Exception {
    Path allow = work.resolve("allow.txt");
    List<String> removed = new ArrayList<>();
    for (JsonNode d : report.path("decisions")) {
      if (d.path("action").asText().equals("removed")) {
        removed.add(d.path("path").asText());
      }
    }
    assertTrue(
        removed.size() > 1000, "the safe preset should remove docs, man pages, apt lists and debs");
    Files.write(allow, removed, StandardCharsets.UTF_8);
    Proc.of(
            "python3",
            TestData.dir().resolve("tools/treediff.py").toString(),
            "--allow-missing-file",
            allow.toString(),
            original.toString(),
            stripped.toString())
        .timeout(600)
        .check();
  }

  @Test
  void bytesRemovedMatchTheReportAndTheUnpackedTrees() throws Exception {
    long sumRules = 0;
    for (JsonNode t : report.path("ruleTotals")) {
      sumRules += t.path("bytes").asLong();
    }
    assertEquals(report.path("bytesRemoved").asLong(), sumRules, "per-rule totals add up");
    long diskDiff = contentBytes(original) - contentBytes(stripped);
    assertEquals(
        report.path("bytesRemoved").asLong(), diskDiff, "report agrees with the unpacked trees");
    assertTrue(
        diskDiff > 50_000_000,
        "docs, apt lists, debs and src.zip are more than 50 MB: " + diskDiff);
  }

  @Test
  void analyzeEstimatesWhatTheSquashRemoved() throws Exception {
    dev.ocisquash.report.ImageAnalysis a =
        dev.ocisquash.report.Analyzer.analyze(
            image, dev.ocisquash.report.AnalyzeOptions.builder().preset("safe").build());
    assertEquals(report.path("bytesRemoved").asLong(), a.strip().removedBytes(), "bytes");
    assertEquals(report.path("entriesRemoved").asLong(), a.strip().removedEntries(), "entries");
    for (dev.ocisquash.report.ImageAnalysis.RuleSaving r : a.strip().perRule()) {
      JsonNode t = report.path("ruleTotals").path(r.rule());
      if (!t.isMissingNode()) {
        assertEquals(t.path("bytes").asLong(), r.bytes(), "rule " + r.rule());
      }
    }
  }

  /**
   * The analyze report of the real image: the "what is eating the space" rows cover every byte that
   * {@code --preset safe} (the squash run above, an independent strip) and each opt-in preset
   * remove, per preset and to the byte; the apt archives are a row of their own; license files and
   * headers say why they stay; and the HTML page renders in headless Chromium with its strip
   * section, labelled treemap cells below the top level and no errors. The screenshot is kept as
   * target/analyze-debian.png.
   */
  @Test
  void analyzeRowsCoverWhatThePresetsRemoveAndThePageRenders() throws Exception {
    ImageAnalysis a = Analyzer.analyze(image, AnalyzeOptions.builder().preset("safe").build());
    assertEquals(report.path("bytesRemoved").asLong(), a.strip().removedBytes());
    Map<String, Long> rows = new HashMap<>();
    long selected = 0;
    for (ImageAnalysis.BulkItem b : a.knownBulk()) {
      if (b.action().equals(ImageAnalysis.REMOVE)) {
        rows.merge(b.preset(), b.bytes(), Long::sum);
      }
      selected += b.selected() ? b.bytes() : 0;
    }
    assertEquals(
        report.path("bytesRemoved").asLong(),
        selected,
        "the rows given cover all that the squash removed");
    report
        .path("ruleTotals")
        .fields()
        .forEachRemaining(
            t ->
                assertEquals(
                    t.getValue().path("bytes").asLong(),
                    rows.getOrDefault(t.getKey(), 0L),
                    "rule " + t.getKey()));
    for (ImageAnalysis.PresetEstimate e : a.presetEstimates()) {
      assertEquals(e.bytes(), rows.getOrDefault(e.preset(), 0L), "rows of preset " + e.preset());
    }
    for (dev.ocisquash.strip.Preset p : dev.ocisquash.strip.Presets.all()) {
      assertTrue(
          a.presetEstimates().stream().anyMatch(e -> e.preset().equals(p.name())),
          "estimate of " + p.name());
    }
    // What the locale preset promises is what giving it removes more.
    ImageAnalysis withLocale =
        Analyzer.analyze(image, AnalyzeOptions.builder().preset("safe").preset("locale").build());
    long locale =
        a.presetEstimates().stream()
            .filter(e -> e.preset().equals("locale"))
            .findFirst()
            .orElseThrow()
            .bytes();
    assertTrue(locale > 1_000_000, "Debian's locales package ships catalogues: " + locale);
    assertEquals(withLocale.strip().removedBytes() - a.strip().removedBytes(), locale);

    // The biggest item: every .deb left in the apt cache, measured on the unpacked original.
    long debs;
    try (Stream<Path> s = Files.list(original.resolve("var/cache/apt/archives"))) {
      debs = s.filter(p -> p.toString().endsWith(".deb")).mapToLong(p -> p.toFile().length()).sum();
    }
    ImageAnalysis.BulkItem debRow =
        a.knownBulk().stream()
            .filter(b -> b.source().equals("/var/cache/apt/archives/*.deb"))
            .findFirst()
            .orElseThrow();
    assertEquals(debs, debRow.bytes());
    assertEquals("package-manager-caches", debRow.preset());
    assertTrue(debRow.selected());
    assertTrue(
        a.knownBulk().stream()
            .anyMatch(b -> "keep: license files, docs keeps them".equals(b.why())));
    assertTrue(
        a.knownBulk().stream()
            .anyMatch(b -> b.source().equals("/usr/include") && b.why().contains("compiler")));
    assertTrue(TextReport.render(a, 10).contains("* /var/cache/apt/archives/*.deb"));

    Path html = work.resolve("analyze.html");
    HtmlReport.write(a, html);
    ReportPage page =
        ReportPage.render(html, Path.of("target", "analyze-debian.png").toAbsolutePath(), work);
    assertTrue(
        page.dom.contains("id=\"strip\"") && page.dom.contains("id=\"presets\""), "sections");
    int[] labels = page.labelsByDepth();
    assertTrue(
        labels[1] > 5 && labels[2] > 5,
        "labelled cells below the top level: " + Arrays.toString(labels));
    // Zoomed in with a cell focused, as with the keyboard: its path, size and what removes it are
    // shown.
    String info = ReportPage.focused(html, "/var/cache", work);
    assertTrue(
        info.startsWith("/var/cache/apt  ")
            && info.contains(" MiB")
            && info.contains("package-manager-caches"),
        info);
  }

  @Test
  void everyCopyrightFileIsStillThere() throws Exception {
    Path doc = original.resolve("usr/share/doc");
    List<Path> copyrights;
    try (Stream<Path> s = Files.list(doc)) {
      // Package doc dirs that are symlinks to another package's dir (libcc1-0 -> gcc-12-base) go
      // with the docs;
      // the copyright file they point at is a real file checked here under its own directory.
      copyrights =
          s.filter(p -> !Files.isSymbolicLink(p))
              .map(p -> p.resolve("copyright"))
              .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
              .toList();
    }
    assertTrue(copyrights.size() > 50, "Debian ships a copyright file per package");
    for (Path c : copyrights) {
      Path rel = original.relativize(c);
      assertTrue(Files.exists(stripped.resolve(rel), LinkOption.NOFOLLOW_LINKS), "missing " + rel);
    }
    assertTrue(!Files.exists(stripped.resolve("usr/share/man/man1")), "man pages are gone");
    assertTrue(
        !Files.exists(
            stripped.resolve("usr/lib/jvm/openjdk-17/lib/src.zip"), LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Every preset that applies to this image: safe, pycache, static-libs, locale, tests and
   * jdk-jmods. numpy's nested tests directories in dist-packages, the JDK's jmods and the static
   * archives go; what numpy imports, what javac reads (ct.sym) and what {@code gcc -ldl} links
   * stay, and python, java, javac and gcc still work. analyze predicts the same bytes, which needs
   * the package {@code __init__.py} files the tests import check reads.
   */
  @Test
  void optInPresetsRemoveWhatTheyNameAndTheImageStillRuns() throws Exception {
    Path out = work.resolve("all.tar");
    Path json = work.resolve("all.json");
    String[] presets = {"safe", "pycache", "static-libs", "locale", "tests", "jdk-jmods"};
    List<String> rules = new ArrayList<>();
    for (String p : presets) {
      rules.addAll(List.of("--preset", p));
    }
    assertEquals(0, squash(out, json, rules.toArray(new String[0])));
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    JsonNode totals = r.path("ruleTotals");
    assertTrue(
        totals.path("jdk-jmods").path("bytes").asLong() > 60_000_000,
        "OpenJDK 17 jmods: " + totals);
    assertTrue(
        totals.path("tests").path("bytes").asLong() > 4_000_000, "numpy's nested tests: " + totals);
    assertTrue(
        totals.path("static-libs").path("bytes").asLong() > 5_000_000,
        "libc.a at least: " + totals);

    dev.ocisquash.report.AnalyzeOptions.Builder ab = dev.ocisquash.report.AnalyzeOptions.builder();
    for (String p : presets) {
      ab.preset(p);
    }
    dev.ocisquash.report.ImageAnalysis a = dev.ocisquash.report.Analyzer.analyze(image, ab.build());
    assertEquals(
        r.path("bytesRemoved").asLong(), a.strip().removedBytes(), "analyze predicts the squash");

    Path all = DebianRoot.unpack(work, "docker-archive:" + out, "all");
    String np = "usr/lib/python3/dist-packages/numpy/";
    String jdk = "usr/lib/jvm/java-17-openjdk-amd64/";
    String lib = "usr/lib/x86_64-linux-gnu/";
    for (String gone :
        List.of(np + "core/tests", np + "lib/tests", np + "tests", jdk + "jmods", lib + "libc.a")) {
      assertTrue(
          Files.exists(original.resolve(gone), LinkOption.NOFOLLOW_LINKS),
          "in the original: " + gone);
      assertTrue(!Files.exists(all.resolve(gone), LinkOption.NOFOLLOW_LINKS), "stripped: " + gone);
    }
    List<String> keeps =
        List.of(
            np + "testing/__init__.py",
            jdk + "lib/ct.sym",
            lib + "libdl.a",
            lib + "libc_nonshared.a");
    for (String kept : keeps) {
      assertTrue(Files.exists(all.resolve(kept), LinkOption.NOFOLLOW_LINKS), "kept: " + kept);
    }

    assertEquals(
        "3 [1.382, 3.618]",
        DebianRoot.check(
                all,
                "python3 -c 'import numpy, numpy.linalg, numpy.testing;"
                    + " print(numpy.arange(3).sum(), numpy.linalg.eigvalsh([[2.,1.],[1.,3.]]).round(3).tolist())'")
            .strip());
    assertEquals(
        "hello 17\nhello 17",
        DebianRoot.check(
                all,
                "d=$(mktemp -d) && cd $d && printf 'public class Hello { public static void main(String[] a) {"
                    + " System.out.println(\"hello \" + Runtime.version().feature()); } }' > Hello.java"
                    + " && java Hello.java && javac --release 11 -d c Hello.java && java -cp c Hello;"
                    + " rc=$?; cd /; rm -rf $d; exit $rc")
            .strip());
    assertEquals(
        "ok 1.41421",
        DebianRoot.check(
                all,
                "d=$(mktemp -d) && printf '#include <stdio.h>\\n#include <math.h>\\n"
                    + "int main(){printf(\"ok %%g\\\\n\", sqrt(2.0));return 0;}' > $d/t.c"
                    + " && gcc $d/t.c -o $d/t -lm -ldl -lpthread && $d/t; rc=$?; rm -rf $d; exit $rc")
            .strip());
  }

  /** Sum of regular file sizes, each inode once. */
  static long contentBytes(Path root) throws Exception {
    Set<Object> seen = new HashSet<>();
    long[] total = {0};
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(
          p -> {
            try {
              BasicFileAttributes a =
                  Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
              if (a.isRegularFile() && seen.add(a.fileKey())) {
                total[0] += a.size();
              }
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    }
    return total[0];
  }
}
