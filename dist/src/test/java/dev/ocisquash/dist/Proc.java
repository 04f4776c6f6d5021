package dev.ocisquash.dist;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands from the distribution tests, with output captured and a clear failure. */
final class Proc {
  private Proc() {}

  /** The repository root (the tests run in dist/). */
  static Path repo() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  /** Exit status and combined output. */
  record Result(int exit, String output) {}

  /**
   * Runs {@code cmd}; {@code env} null keeps this process's environment, otherwise it is the whole environment
   * (as {@code env -i}).
   */
  static Result run(Map<String, String> env, Path dir, long timeoutSeconds, List<String> cmd)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("ocisquash-dist", ".log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      if (env != null) {
        pb.environment().clear();
        pb.environment().putAll(env);
      }
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Runs {@code cmd} and fails with its output unless it exits 0; returns the output. */
  static String check(Map<String, String> env, long timeoutSeconds, String... cmd)
      throws IOException, InterruptedException {
    Result r = run(env, null, timeoutSeconds, List.of(cmd));
    if (r.exit() != 0) {
      throw new AssertionError("exit " + r.exit() + ": " + String.join(" ", cmd) + "\n" + r.output());
    }
    return r.output();
  }

  /** {@link #check(Map, long, String...)} in this process's environment. */
  static String check(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
    return check(null, timeoutSeconds, cmd);
  }
}
