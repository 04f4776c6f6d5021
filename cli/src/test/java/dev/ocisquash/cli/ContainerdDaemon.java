package dev.ocisquash.cli;

import dev.ocisquash.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private containerd (Debian's containerd 1.6) for one test class: its own root, state directory
 * and socket in a fresh directory under /tmp, the CRI plugin off, so it neither needs nor touches a
 * containerd already running on the machine (Docker's included). Images are imported without
 * unpacking, so no snapshot is mounted and no shim started; {@link #close} stops the daemon by its
 * process and deletes the directory.
 */
final class ContainerdDaemon implements AutoCloseable {
  static final String NAMESPACE = "ocisquash";

  private final Path dir;
  private final Process process;
  private final Thread shutdownHook;

  private ContainerdDaemon(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
    this.shutdownHook = new Thread(process::destroy);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts containerd and waits until {@code ctr version} reaches it. */
  static ContainerdDaemon start() throws Exception {
    // Under /tmp directly: the socket path must stay below the 108-byte limit of unix socket names.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "ocsq-ctd-");
    Files.writeString(
        dir.resolve("config.toml"),
        String.join(
            "\n",
            "version = 2",
            "root = \"" + dir.resolve("root") + "\"",
            "state = \"" + dir.resolve("state") + "\"",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "[grpc]",
            "  address = \"" + dir.resolve("sock") + "\"",
            ""));
    Process p =
        Proc.of("containerd", "--config", dir.resolve("config.toml").toString())
            .start(dir.resolve("containerd.log"));
    ContainerdDaemon d = new ContainerdDaemon(dir, p);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        if (!p.isAlive()) {
          throw new AssertionError("containerd exited with " + p.exitValue() + "\n" + d.logTail());
        }
        Proc.Result r = Proc.of(d.command("ctr", "version")).timeout(30).run();
        if (r.exit() == 0) {
          return d;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "containerd not ready after 60 s: " + r.output() + "\n" + d.logTail());
        }
        Thread.sleep(250);
      }
    } catch (Throwable t) {
      d.close();
      throw t;
    }
  }

  private List<String> command(String client, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(client, "--address", dir.resolve("sock").toString(), "--namespace", NAMESPACE));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Runs {@code ctr} (or {@code ctr-remote}, same flags) against this daemon; fails with its output
   * and the log.
   */
  String run(String client, long timeoutSeconds, String... args) throws Exception {
    Proc.Result r = Proc.of(command(client, args)).timeout(timeoutSeconds).run();
    if (r.exit() != 0) {
      throw new AssertionError(
          client
              + " "
              + String.join(" ", args)
              + " failed (exit "
              + r.exit()
              + "):\n"
              + r.output()
              + "\n--- containerd log ---\n"
              + logTail());
    }
    return r.output();
  }

  private String logTail() {
    return Proc.logTail(dir.resolve("containerd.log"));
  }

  /** Stops containerd with SIGTERM (SIGKILL after 30 s) and deletes its directory. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    Proc.Result rm =
        Proc.of(List.of("rm", "-rf", "--one-file-system", dir.toString())).timeout(120).run();
    if (rm.exit() != 0) {
      throw new AssertionError("could not remove " + dir + ": " + rm.output());
    }
  }
}
