package dev.ocisquash.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real tools (umoci, skopeo, podman, the testdata scripts) from tests. */
final class Tools {
  private Tools() {}

  /** The repository's testdata directory. */
  static Path testdata() {
    Path p = Path.of("..", "testdata").toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      p = Path.of("testdata").toAbsolutePath();
    }
    return p;
  }

  /** Result of a process run. */
  static final class Result {
    final int exit;
    final String output;

    Result(int exit, String output) {
      this.exit = exit;
      this.output = output;
    }
  }

  static Result run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("ocisquash-tool", ".log");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Runs a command and fails the test with its output when it exits non-zero. */
  static String check(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
    Result r = run(new ArrayList<>(Arrays.asList(cmd)), timeoutSeconds);
    if (r.exit != 0) {
      throw new AssertionError(
          "command failed (exit " + r.exit + "): " + String.join(" ", cmd) + "\n" + r.output);
    }
    return r.output;
  }

  /** The last 40 lines of a daemon's log, for failure messages. */
  static String logTail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log " + log + ": " + e + ")";
    }
  }
}
