package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.Json;
import dev.ocisquash.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit code of each kind of failure, and the JSON reports of a failed run (docs/errors.md). */
class ErrorReportTest {
  @TempDir Path dir;

  @Test
  void eachKindHasItsExitCode() {
    Map<Kind, Integer> expected =
        Map.of(
            Kind.INTERNAL, 1,
            Kind.INVALID_ARGUMENT, 2,
            Kind.CORRUPT_INPUT, 4,
            Kind.LIMIT_EXCEEDED, 5,
            Kind.UNSUPPORTED_INPUT, 6,
            Kind.OUTPUT_FAILED, 7,
            Kind.REGISTRY, 8,
            Kind.INTERRUPTED, 130);
    Map<Kind, Integer> actual = new TreeMap<>();
    for (Kind k : Kind.values()) {
      actual.put(k, ExitCodes.of(k));
    }
    assertEquals(new TreeMap<>(expected), actual);
    assertEquals(1, ExitCodes.of(new java.io.IOException("not an ImageException")));
    assertEquals(3, AnalyzeCommand.GATE_TRIPPED);
  }

  /**
   * A digest mismatch: exit 4, the usual line, and --report-json holds only the error; no image.
   */
  @Test
  void aCorruptInputFillsTheReportWithTheError() throws Exception {
    byte[] layer = TestImages.layer("b", "content");
    byte[] other = TestImages.layer("b", "CONTENT");
    byte[] base = TestImages.layer("a", "x");
    Path in =
        Files.write(
            dir.resolve("corrupt.tar"),
            TestImages.dockerArchive(List.of(base, other), List.of(base, layer)));
    Path report = dir.resolve("r.json");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            "-q",
            in.toString(),
            "-o",
            dir.resolve("o.tar").toString(),
            "--report-json",
            report.toString());
    assertEquals(4, r.exit, r.err);
    assertTrue(r.err.startsWith("ocisquash: error: " + in + ": layer 1 ("), r.err);
    assertTrue(r.err.contains("diff_id mismatch"), r.err);
    assertErrorJson(report, "CORRUPT_INPUT", r.err);
    assertEquals(List.of("corrupt.tar", "r.json"), left());
  }

  /** An output that cannot be written: exit 7, and the report (which can be written) says so. */
  @Test
  void anUnwritableImageIsOutputFailedInTheReport() throws Exception {
    Path out = dir.resolve("missing/o.tar");
    Path report = dir.resolve("r.json");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            "-q",
            sample().toString(),
            "-o",
            out.toString(),
            "--report-json",
            report.toString());
    assertEquals(7, r.exit, r.err);
    assertEquals(
        "ocisquash: error: "
            + out
            + ": cannot write: directory "
            + out.getParent()
            + " does not exist",
        r.err.strip());
    assertErrorJson(report, "OUTPUT_FAILED", r.err);
    assertEquals(List.of("r.json"), left());
  }

  /**
   * analyze of a file that does not exist: a usage error (2); --json holds it, --html is not
   * written.
   */
  @Test
  void analyzeOfAMissingInputPutsTheErrorInItsJson() throws Exception {
    Path json = dir.resolve("a.json");
    CliTest.Run r =
        CliTest.cli(
            "analyze",
            "-q",
            dir.resolve("nope.tar").toString(),
            "--json",
            json.toString(),
            "--html",
            dir.resolve("a.html").toString());
    assertEquals(2, r.exit, r.err);
    assertEquals(
        "ocisquash: error: " + dir.resolve("nope.tar") + ": no such file or directory",
        r.err.strip());
    assertErrorJson(json, "INVALID_ARGUMENT", r.err);
    assertEquals(List.of("a.json"), left());
  }

  /** A usage error found by picocli is not a failed run: exit 2 and no report. */
  @Test
  void aUsageErrorWritesNoReport() throws Exception {
    Path report = dir.resolve("r.json");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            sample().toString(),
            "-o",
            dir.resolve("o.tar").toString(),
            "--report-json",
            report.toString(),
            "--threads",
            "0");
    assertEquals(2, r.exit, r.err);
    assertFalse(Files.exists(report));
    assertEquals(List.of(), left());
  }

  /** Asserts that {@code file} holds exactly {@code {"error": {"kind": KIND, "message": LINE}}}. */
  static void assertErrorJson(Path file, String kind, String stderr) throws Exception {
    JsonNode doc = Json.parse(Files.readAllBytes(file));
    String line = stderr.strip();
    assertTrue(line.startsWith("ocisquash: error: "), line);
    JsonNode expected =
        Json.object()
            .set(
                "error",
                Json.object()
                    .put("kind", kind)
                    .put("message", line.substring("ocisquash: error: ".length())));
    assertEquals(expected, doc, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
  }

  private List<String> left() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Path sample() {
    return TestData.sample();
  }
}
