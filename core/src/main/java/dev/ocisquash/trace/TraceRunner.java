package dev.ocisquash.trace;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Runs a command inside an unpacked image root under {@code strace -f} and reads what it touched.
 * The process tree: {@code unshare} makes a new mount and PID namespace (and network namespace
 * unless the host network is asked for; and a user namespace when not root); a host shell there
 * mounts {@code /proc}, a private {@code /dev} holding only null, zero, full, random, urandom and
 * tty bound from the host; then {@code strace} starts {@code unshare --root=ROOT --wd=DIR}, which
 * chroots and runs the command with the image's environment. strace runs outside the chroot, so
 * only the processes that chrooted into ROOT count (see {@link StraceLog}).
 */
public final class TraceRunner {
  /**
   * The system calls traced: all that take a path, process creation, and fchdir (to follow the
   * cwd).
   */
  public static final String TRACE_SET = "trace=%file,%process,fchdir";

  private static final String SETUP =
      "set -e\n"
          + "root=$1; log=$2; strace=$3; unshare=$4; wd=$5; uid=$6; gid=$7; shift 7\n"
          + "had_path=${PATH+x}; image_path=${PATH-}\n"
          + "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
          + "mount -t proc proc \"$root/proc\"\n"
          + "mount -t tmpfs -o mode=755,nosuid tmpfs \"$root/dev\"\n"
          + "for n in null zero full random urandom tty; do : > \"$root/dev/$n\"; mount --bind \"/dev/$n\" \"$root/dev/$n\"; done\n"
          + "mkdir \"$root/dev/shm\" \"$root/dev/pts\"\n"
          + "ln -s /proc/self/fd \"$root/dev/fd\"; ln -s /proc/self/fd/0 \"$root/dev/stdin\"\n"
          + "ln -s /proc/self/fd/1 \"$root/dev/stdout\"; ln -s /proc/self/fd/2 \"$root/dev/stderr\"\n"
          + "set --  \"$strace\" -f -qq -y -e "
          + TRACE_SET
          + " -o \"$log\" -- \"$unshare\" --root=\"$root\" --wd=\"$wd\" \"$@\"\n"
          + "if [ -n \"$had_path\" ]; then PATH=$image_path; else unset PATH; fi\n"
          + "exec \"$@\"\n";

  /**
   * What a run produced.
   *
   * @param exitCode the command's exit status
   * @param trace what it touched
   * @param calls the system calls strace recorded
   */
  public record Run(int exitCode, Trace trace, long calls) {}

  private TraceRunner() {}

  /**
   * The command line that runs {@code argv} in {@code rootfs} (pure; paths of the host tools are
   * given).
   *
   * @param isolation how
   * @param hostNetwork whether the command shares the host's network
   */
  public static List<String> command(
      Isolation isolation,
      String unshare,
      String strace,
      Path rootfs,
      Path log,
      ImageRuntime rt,
      boolean hostNetwork,
      List<String> argv) {
    List<String> c = new ArrayList<>(List.of(unshare));
    if (isolation == Isolation.USER_NAMESPACE) {
      c.addAll(List.of("--user", "--map-root-user"));
    }
    c.addAll(List.of("--mount", "--pid", "--fork", "--propagation", "private"));
    if (!hostNetwork) {
      c.add("--net");
    }
    c.addAll(List.of("--", "/bin/sh", "-c", SETUP, "sh"));
    c.addAll(List.of(rootfs.toString(), log.toString(), strace, unshare, rt.workingDir()));
    c.add(String.valueOf(rt.uid()));
    c.add(String.valueOf(rt.gid()));
    if (isolation == Isolation.ROOT_NAMESPACES && (rt.uid() != 0 || rt.gid() != 0)) {
      c.addAll(List.of("--setgid", String.valueOf(rt.gid()), "--setuid", String.valueOf(rt.uid())));
    }
    c.add("--");
    c.addAll(argv);
    return c;
  }

  /**
   * Runs and traces.
   *
   * @param rootfs the unpacked image root (its /proc and /dev are mounted over, privately)
   * @param work a directory outside the root for the strace log
   */
  public static Run run(
      Path rootfs, ImageRuntime rt, List<String> argv, boolean hostNetwork, Path work)
      throws IOException, InterruptedException {
    String strace = which("strace");
    String unshare = which("unshare");
    boolean root = uid() == 0;
    Isolation iso =
        Isolation.choose(
            root, !root && unshare != null && userNamespacesWork(unshare), strace, unshare);
    // choose() has refused a missing tool
    String straceTool = Objects.requireNonNull(strace, "strace");
    String unshareTool = Objects.requireNonNull(unshare, "unshare");
    Path abs = rootfs.toAbsolutePath().normalize();
    for (String d : List.of("proc", "dev")) {
      Path p = abs.resolve(d);
      if (Files.isSymbolicLink(p)
          || (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p))) {
        throw new ImageException(
            Kind.UNSUPPORTED_INPUT,
            "/" + d + " in the image is not a directory; cannot run a command in it");
      }
      Files.createDirectories(p);
    }
    makeWorkingDir(abs, rt.workingDir());
    Path log = work.toAbsolutePath().resolve("strace.log");
    ProcessBuilder pb =
        new ProcessBuilder(command(iso, unshareTool, straceTool, abs, log, rt, hostNetwork, argv));
    pb.environment().clear();
    for (String e : rt.env()) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    pb.inheritIO();
    Process p = pb.start();
    int rc;
    try {
      rc = p.waitFor();
    } catch (InterruptedException e) {
      p.destroy();
      p.waitFor();
      throw e;
    }
    if (!Files.exists(log)) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          "the traced command did not start (exit status " + rc + "); strace wrote no log");
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    StraceLog.Result r =
        StraceLog.read(
            log.toString(), lines, new StraceLog.Options(rt.workingDir(), abs.toString()));
    Trace t = new Trace(List.of(argv), new PathResolver(new DirectoryRoot(abs)).touched(r));
    return new Run(rc, t, r.calls());
  }

  /**
   * Creates the working directory as a runtime does, but only below real directories (never through
   * a link).
   */
  private static void makeWorkingDir(Path root, String wd) throws IOException {
    Path at = root;
    for (String part : wd.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return;
      }
      at = at.resolve(part);
      if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(at);
      } else if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        return; // a symlink or a file: leave it to the command's own lookup
      }
    }
  }

  private static int uid() {
    try {
      Object v = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return v instanceof Integer i ? i : -1;
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }

  private static boolean userNamespacesWork(String unshare) {
    try {
      Process p =
          new ProcessBuilder(
                  unshare, "--user", "--map-root-user", "--mount", "--pid", "--fork", "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The absolute path of a host tool on the usual system directories, or null. */
  static @Nullable String which(String tool) {
    for (String d : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin")) {
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
