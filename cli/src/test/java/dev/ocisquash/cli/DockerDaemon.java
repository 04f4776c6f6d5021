package dev.ocisquash.cli;

import dev.ocisquash.testing.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A private Docker daemon (Debian's docker.io, Docker 20.10) for one test class: its own data root,
 * exec root, socket, client config and containerd namespace in a fresh directory under /tmp, so it
 * neither needs nor touches a daemon already running on the machine, and concurrent runs do not
 * collide. {@link #close} stops exactly the processes this daemon started, unmounts whatever it
 * left mounted and deletes the directory (vfs data roots hold a full copy of every layer).
 */
final class DockerDaemon implements AutoCloseable {
  /** The Debian client; /usr/local/bin/docker may be something else. */
  static final String CLIENT = "/usr/bin/docker";

  final String driver;
  private final Path dir;
  private final Process process;
  private final Thread shutdownHook;

  private DockerDaemon(String driver, Path dir, Process process) {
    this.driver = driver;
    this.dir = dir;
    this.process = process;
    this.shutdownHook = new Thread(process::destroy);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts dockerd with the given storage driver and waits until it answers on its socket. */
  static DockerDaemon start(String driver) throws Exception {
    // Under /tmp directly: the socket path must stay below the 108-byte limit of unix socket names.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "ocsq-docker-");
    Files.writeString(dir.resolve("daemon.json"), "{}\n"); // ignore /etc/docker/daemon.json
    String ns = "ocisquash-" + dir.getFileName();
    Process p =
        Proc.of(
                "dockerd",
                "--config-file",
                dir.resolve("daemon.json").toString(),
                "--data-root",
                dir.resolve("root").toString(),
                "--exec-root",
                dir.resolve("exec").toString(),
                "--pidfile",
                dir.resolve("dockerd.pid").toString(),
                "-H",
                "unix://" + dir.resolve("sock"),
                "--storage-driver",
                driver,
                "--containerd-namespace",
                ns,
                "--containerd-plugins-namespace",
                ns + "-plugins",
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none")
            .start(dir.resolve("dockerd.log"));
    DockerDaemon d = new DockerDaemon(driver, dir, p);
    try {
      d.awaitReady();
      return d;
    } catch (Throwable t) {
      d.close();
      throw t;
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "dockerd (" + driver + ") exited with " + process.exitValue() + "\n" + logTail());
      }
      Proc.Result r =
          Proc.of(command("version", "--format", "{{.Server.Version}}")).timeout(30).run();
      if (r.exit() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "dockerd (" + driver + ") not ready after 90 s: " + r.output() + "\n" + logTail());
      }
      Thread.sleep(250);
    }
  }

  /** A temporary directory beside the daemon's, deleted with it. */
  Path dir(String name) throws IOException {
    return Files.createDirectories(dir.resolve("work").resolve(name));
  }

  private List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "env",
                "DOCKER_BUILDKIT=0",
                CLIENT,
                "--config",
                dir.resolve("client").toString(),
                "-H",
                "unix://" + dir.resolve("sock")));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Runs the docker client against this daemon; fails with the client's output and the daemon log's
   * tail.
   */
  String docker(long timeoutSeconds, String... args) throws Exception {
    Proc.Result r = Proc.of(command(args)).timeout(timeoutSeconds).run();
    if (r.exit() != 0) {
      throw new AssertionError(
          "docker "
              + String.join(" ", args)
              + " failed (exit "
              + r.exit()
              + ", "
              + driver
              + "):\n"
              + r.output()
              + "\n--- dockerd log ---\n"
              + logTail());
    }
    return r.output();
  }

  private String logTail() {
    return Proc.logTail(dir.resolve("dockerd.log"));
  }

  /**
   * Stops dockerd with SIGTERM (it stops the containerd it started), then anything it started that
   * is still alive, unmounts what is left under the directory and deletes it.
   */
  @Override
  public void close() throws Exception {
    List<ProcessHandle> started = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle h : started) {
      if (h.isAlive()) {
        h.destroy();
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          h.destroyForcibly();
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    for (String m : mountsUnder(dir)) {
      Proc.of(List.of("umount", "-l", m)).timeout(60).run();
    }
    Proc.Result rm =
        Proc.of(List.of("rm", "-rf", "--one-file-system", dir.toString())).timeout(300).run();
    if (rm.exit() != 0) {
      throw new AssertionError("could not remove " + dir + ": " + rm.output());
    }
  }

  /** Mount points at or below {@code dir}, deepest first (from /proc/self/mountinfo). */
  private static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toString();
    List<String> out = new ArrayList<>();
    for (String line :
        Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String[] f = line.split(" ", -1);
      String mountPoint = unescapeMountPath(f[4]);
      if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
        out.add(mountPoint);
      }
    }
    out.sort(Comparator.comparingInt(String::length).reversed());
    return out;
  }

  /** mountinfo writes space, tab, newline and backslash as 3-digit octal escapes. */
  private static String unescapeMountPath(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
