package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output path is checked before the work, and a run that fails leaves none of its outputs.
 */
class AllOutputsOrNoneTest {
  @TempDir Path dir;

  private String sample() {
    return TestData.sample().toString();
  }

  private List<String> left() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anUnwritableReportStopsTheSquashBeforeTheImageIsWritten() throws Exception {
    Path missing = dir.resolve("no/r.json");
    Run r =
        CliTest.cli(
            "squash",
            sample(),
            "-o",
            dir.resolve("o.tar").toString(),
            "--preset",
            "safe",
            "--report-json",
            missing.toString());
    assertEquals(7, r.exit, r.err);
    assertEquals(
        "ocisquash: error: --report-json "
            + missing
            + ": cannot write: directory "
            + missing.getParent()
            + " does not exist",
        r.err.strip());
    assertEquals(List.of(), left());
  }

  @Test
  void anImageIntoAMissingDirectoryIsRefusedFirst() throws Exception {
    Path missing = dir.resolve("no/o.tar");
    Run r =
        CliTest.cli(
            "squash",
            sample(),
            "-o",
            missing.toString(),
            "--preset",
            "safe",
            "--report-json",
            dir.resolve("r.json").toString());
    assertEquals(7, r.exit, r.err);
    assertTrue(
        r.err.startsWith("ocisquash: error: " + missing + ": cannot write: directory"), r.err);
    // No image; the report holds only the error (docs/errors.md).
    assertEquals(List.of("r.json"), left());
    ErrorReportTest.assertErrorJson(dir.resolve("r.json"), "OUTPUT_FAILED", r.err);
  }

  @Test
  void analyzeWritesBothReportsOrNeither() throws Exception {
    Path json = dir.resolve("a.json");
    Run bad =
        CliTest.cli(
            "analyze",
            sample(),
            "-q",
            "--json",
            json.toString(),
            "--html",
            dir.resolve("no/a.html").toString());
    assertEquals(7, bad.exit, bad.err);
    assertTrue(bad.err.contains("--html ") && bad.err.contains("does not exist"), bad.err);
    assertEquals(List.of(), left());

    Files.createDirectory(dir.resolve("d.html"));
    Run isDir =
        CliTest.cli(
            "analyze",
            sample(),
            "-q",
            "--json",
            json.toString(),
            "--html",
            dir.resolve("d.html").toString());
    assertEquals(7, isDir.exit, isDir.err);
    assertTrue(isDir.err.contains("it already exists and is a directory"), isDir.err);
    assertEquals(List.of("d.html"), left());

    Path broken = Files.write(dir.resolve("broken.tar"), new byte[] {1, 2, 3});
    Run input =
        CliTest.cli(
            "analyze",
            broken.toString(),
            "-q",
            "--json",
            json.toString(),
            "--html",
            dir.resolve("a.html").toString());
    assertEquals(6, input.exit, input.err);
    assertEquals(List.of("a.json", "broken.tar", "d.html"), left()); // the JSON says why, no HTML
    ErrorReportTest.assertErrorJson(json, "UNSUPPORTED_INPUT", input.err);

    Run ok =
        CliTest.cli(
            "analyze",
            sample(),
            "-q",
            "--json",
            json.toString(),
            "--html",
            dir.resolve("a.html").toString());
    assertEquals(0, ok.exit, ok.err);
    assertEquals(List.of("a.html", "a.json", "broken.tar", "d.html"), left());
  }
}
