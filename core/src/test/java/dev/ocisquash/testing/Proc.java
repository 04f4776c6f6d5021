package dev.ocisquash.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way tests run other processes (real tools, the CLI in a fresh JVM, daemons): stdin is
 * {@code /dev/null}, output goes to a temporary file (no pipe to fill and block), a run past its
 * timeout is killed, and every failure is an {@link AssertionError} naming the command, with its
 * exit status and output. A tool that is not installed fails the test too: tests that need one are
 * required to have it.
 */
public final class Proc {
  private static final File NULL = new File("/dev/null");

  /** Exit status and output (stdout and stderr together, or stdout alone for {@link #stdout()}). */
  public record Result(int exit, String output) {}

  private final List<String> cmd;
  private Path dir;
  private File stdin = NULL;
  private boolean clearEnv;
  private final List<String> unset = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private long timeoutSeconds = 600;

  private Proc(List<String> cmd) {
    this.cmd = List.copyOf(cmd);
  }

  /**
   * A command, run in this process's directory and environment with a 600 s timeout until told
   * otherwise.
   */
  public static Proc of(String... cmd) {
    return new Proc(Arrays.asList(cmd));
  }

  /** A command given as a list. */
  public static Proc of(List<String> cmd) {
    return new Proc(cmd);
  }

  /**
   * {@code java [jvmOptions] -cp CLASSPATH MAIN [args]} with this JVM's java and this test's class
   * path.
   */
  public static Proc java(List<String> jvmOptions, Class<?> main, String... args) {
    List<String> c = new ArrayList<>();
    c.add(javaBin());
    c.addAll(jvmOptions);
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(main.getName());
    c.addAll(Arrays.asList(args));
    return new Proc(c);
  }

  /** This JVM's {@code java} executable. */
  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Reads its stdin from {@code f} (by default /dev/null). */
  public Proc stdin(Path f) {
    this.stdin = f.toFile();
    return this;
  }

  /** Runs in {@code d}. */
  public Proc dir(Path d) {
    this.dir = d;
    return this;
  }

  /** Sets one environment variable. */
  public Proc env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Sets these environment variables. */
  public Proc env(Map<String, String> vars) {
    env.putAll(vars);
    return this;
  }

  /** Removes these environment variables. */
  public Proc unset(String... names) {
    unset.addAll(Arrays.asList(names));
    return this;
  }

  /** Starts from an empty environment (as {@code env -i}); {@link #env} adds to it. */
  public Proc clearEnv() {
    clearEnv = true;
    return this;
  }

  /** The run is killed, and the test failed, after this many seconds. */
  public Proc timeout(long seconds) {
    timeoutSeconds = seconds;
    return this;
  }

  /** The command as one line, for messages. */
  public String line() {
    return String.join(" ", cmd);
  }

  private ProcessBuilder builder() {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(stdin));
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    if (clearEnv) {
      pb.environment().clear();
    }
    unset.forEach(pb.environment()::remove);
    pb.environment().putAll(env);
    return pb;
  }

  private Process start(ProcessBuilder pb) {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run " + cmd.get(0) + " (required for this test): " + e.getMessage(), e);
    }
  }

  private void await(Process p) throws InterruptedException {
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("timed out after " + timeoutSeconds + " s: " + line());
    }
  }

  /** Runs to the end; stdout and stderr together in {@link Result#output()}. */
  public Result run() throws IOException, InterruptedException {
    Path log = Files.createTempFile("ocisquash-proc", ".log");
    try {
      Process p = start(builder().redirectErrorStream(true).redirectOutput(log.toFile()));
      await(p);
      return new Result(p.exitValue(), text(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Runs to the end and fails unless it exits 0; returns stdout and stderr together. */
  public String check() throws IOException, InterruptedException {
    Result r = run();
    if (r.exit() != 0) {
      throw new AssertionError(
          "command failed (exit " + r.exit() + "): " + line() + "\n" + r.output());
    }
    return r.output();
  }

  /**
   * Runs to the end and fails unless it exits 0; returns stdout's bytes (stderr goes in the failure
   * message).
   */
  public byte[] stdout() throws IOException, InterruptedException {
    Path out = Files.createTempFile("ocisquash-proc", ".out");
    Path err = Files.createTempFile("ocisquash-proc", ".err");
    try {
      Process p = start(builder().redirectOutput(out.toFile()).redirectError(err.toFile()));
      await(p);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "command failed (exit " + p.exitValue() + "): " + line() + "\n" + text(err));
      }
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * A file's bytes as UTF-8, malformed sequences replaced (tools print names as they are in an
   * archive).
   */
  private static String text(Path f) throws IOException {
    return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
  }

  /**
   * Starts it in the background (a daemon, a run to signal), stdout and stderr together into {@code
   * log}.
   */
  public Process start(Path log) {
    return start(builder().redirectErrorStream(true).redirectOutput(log.toFile()));
  }

  /** Starts it in the background with stdout discarded and stderr into {@code stderr}. */
  public Process startStderrTo(Path stderr) {
    return start(
        builder().redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()));
  }

  /** The last 40 lines of a daemon's log, for failure messages. */
  public static String logTail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log " + log + ": " + e + ")";
    }
  }
}
