package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every usage error is one line naming the mistake and the help to read, exit 2, and writes
 * nothing.
 */
class UsageErrorsTest {
  @TempDir Path dir;

  private String sample() {
    return TestData.sample().toString();
  }

  /**
   * Runs the arguments and returns the one error line, after checking exit 2, one line and no
   * output.
   */
  private String usageError(String command, String... args) throws Exception {
    CliTest.Run r = CliTest.cli(args);
    assertEquals(2, r.exit, r.err);
    assertEquals("", r.out);
    String line = r.err.strip();
    assertFalse(line.contains("\n"), "more than one line: " + r.err);
    assertTrue(line.startsWith("ocisquash: error: "), line);
    assertTrue(line.endsWith("; see '" + command + " --help'"), line);
    assertFalse(line.contains("Usage:") || line.contains("WARN"), line);
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(
          0,
          s.filter(p -> !p.getFileName().toString().endsWith(".json")).count(),
          "output written");
    }
    return line.substring("ocisquash: error: ".length(), line.lastIndexOf("; see '"));
  }

  @Test
  void squashUsageErrorsAreOneLine() throws Exception {
    String out = dir.resolve("o.tar").toString();
    String preset =
        usageError("ocisquash squash", "squash", sample(), "--preset", "nope", "-o", out);
    assertTrue(preset.startsWith("unknown preset 'nope' (known: safe, "), preset);
    assertTrue(usageError("ocisquash squash", "squash", sample()).contains("'--output=OUT'"));
    String epoch =
        usageError(
            "ocisquash squash", "squash", sample(), "-o", out, "--source-date-epoch", "yesterday");
    assertTrue(
        epoch.contains("'yesterday' is not a time: expected whole seconds since 1970-01-01 UTC"),
        epoch);
    assertTrue(
        usageError("ocisquash squash", "squash", sample(), "-o", out, "--max-layers", "0")
            .contains("--max-layers must be at least 1, got 0"));
    String unknown = usageError("ocisquash squash", "squash", sample(), "-o", out, "--tls-verfy");
    assertTrue(
        unknown.contains("'--tls-verfy'") && unknown.contains("did you mean --tls-verify?"),
        unknown);
    usageError("ocisquash squash", "squash", sample(), "-o", out, "--from", "1", "--keep-base");
    usageError("ocisquash squash", "squash", sample(), "-o", out, "--format", "zip");
  }

  @Test
  void otherCommandsNameTheirOwnHelp() throws Exception {
    String preset = usageError("ocisquash analyze", "analyze", sample(), "--preset", "nope");
    assertTrue(preset.startsWith("unknown preset 'nope'"), preset);
    usageError("ocisquash analyze", "analyze");
    usageError("ocisquash analyze", "analyze", sample(), "--fail-if", "foo>1");
    String command = usageError("ocisquash", "frobnicate");
    assertEquals(
        "unknown command 'frobnicate' (expected squash, analyze, trace, presets, help)", command);
  }

  @Test
  void aFlagAndARulesFileSayTheSameMistakeInTheSameWords() throws Exception {
    Path rules = Files.writeString(dir.resolve("r.json"), "{\"presets\":[\"nope\"]}");
    String flag =
        usageError(
            "ocisquash squash", "squash", sample(), "--preset", "nope", "-o", dir + "/o.tar");
    CliTest.Run file =
        CliTest.cli("squash", sample(), "--rules", rules.toString(), "-o", dir + "/o.tar");
    assertEquals("ocisquash: error: " + rules + ": " + flag, file.err.strip());
  }

  @Test
  void aBadSourceDateEpochInTheEnvironmentIsAUsageError() throws Exception {
    Proc.Result r =
        Proc.java(
                java.util.List.of(),
                Main.class,
                "squash",
                sample(),
                "-o",
                dir.resolve("o.tar").toString())
            .env("SOURCE_DATE_EPOCH", "abc")
            .timeout(120)
            .run();
    String all = r.output();
    assertEquals(2, r.exit(), all);
    assertEquals(
        "ocisquash: error: SOURCE_DATE_EPOCH 'abc' is not a time: expected whole seconds since 1970-01-01"
            + " UTC, e.g. $(date +%s); see 'ocisquash squash --help'",
        all.strip());
    assertFalse(Files.exists(dir.resolve("o.tar")));
  }

  @Test
  void helpPrintsNoFormatWarnings() {
    for (String cmd : new String[] {"squash", "analyze"}) {
      CliTest.Run r = CliTest.cli(cmd, "--help");
      assertEquals(0, r.exit);
      assertFalse(r.err.contains("WARN") || r.out.contains("WARN"), r.err);
      assertTrue(r.out.contains("Usage: ocisquash " + cmd), r.out);
    }
    CliTest.Run r = CliTest.cli("squash", "--help");
    assertTrue(r.out.contains("5% larger"), r.out);
  }
}
