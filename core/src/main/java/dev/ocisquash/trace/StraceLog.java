package dev.ocisquash.trace;

import dev.ocisquash.ImageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The paths an {@code strace -f} log shows a process tree naming, as absolute paths in the image
 * (not yet resolved through symlinks: see {@link PathResolver}). Pure: no I/O.
 *
 * <p>What counts: every path argument of the file system calls ({@code strace -e trace=%file}:
 * open, stat, access, readlink, exec, chdir, ...), <em>whether the call succeeded or failed</em>. A
 * failed lookup still walked the symlinks on its way, and {@link TraceRoot} later keeps only paths
 * that exist in the image. Relative paths are resolved against the process's working directory,
 * which is followed through {@code chdir}, {@code fchdir} and forks (a child inherits its
 * parent's), and against directory fds returned by earlier opens; with {@code -y} strace prints
 * those paths itself and they are used instead. A path relative to a directory fd the log never
 * showed opening is skipped and counted in {@link Result#unresolved}.
 *
 * <p>With {@link Options#hostRoot} set (a trace this tool ran), only processes that called {@code
 * chroot} into it, and their children, count: the launcher's own host files do not.
 */
public final class StraceLog {
  /**
   * How to read a log.
   *
   * @param initialCwd the working directory of the first process (the image's WorkingDir, or "/")
   * @param hostRoot the host directory the traced command was chrooted into, or null for a log
   *     taken inside the container (then every process counts)
   */
  public record Options(String initialCwd, @Nullable String hostRoot) {}

  /**
   * What a log named.
   *
   * @param paths absolute paths in first-seen order (lexical: may hold {@code .} and {@code ..})
   * @param executed the paths passed to {@code execve}/{@code execveat}, a subset of {@code paths}
   * @param calls the system calls read
   * @param unresolved relative paths whose directory was unknown
   */
  public record Result(Set<String> paths, Set<String> executed, long calls, long unresolved) {}

  private static final int AT_FDCWD = -100;

  /** Per syscall: pairs of (dirfd argument index or -1, path argument index). */
  private static final Map<String, int[]> PATH_ARGS = new HashMap<>();

  static {
    for (String n :
        List.of(
            "open",
            "creat",
            "access",
            "stat",
            "lstat",
            "stat64",
            "lstat64",
            "oldstat",
            "oldlstat",
            "readlink",
            "execve",
            "chdir",
            "truncate",
            "truncate64",
            "mkdir",
            "unlink",
            "rmdir",
            "chmod",
            "chown",
            "lchown",
            "chown32",
            "lchown32",
            "utime",
            "utimes",
            "getxattr",
            "lgetxattr",
            "setxattr",
            "lsetxattr",
            "listxattr",
            "llistxattr",
            "removexattr",
            "lremovexattr",
            "statfs",
            "statfs64",
            "mknod",
            "umount",
            "umount2",
            "uselib",
            "swapon",
            "swapoff",
            "acct")) {
      PATH_ARGS.put(n, new int[] {-1, 0});
    }
    for (String n : List.of("rename", "link", "pivot_root")) {
      PATH_ARGS.put(n, new int[] {-1, 0, -1, 1});
    }
    PATH_ARGS.put("symlink", new int[] {-1, 1});
    PATH_ARGS.put("mount", new int[] {-1, 1});
    PATH_ARGS.put("inotify_add_watch", new int[] {-1, 1});
    PATH_ARGS.put("quotactl", new int[] {-1, 1});
    for (String n :
        List.of(
            "openat",
            "openat2",
            "faccessat",
            "faccessat2",
            "newfstatat",
            "fstatat64",
            "statx",
            "readlinkat",
            "execveat",
            "mkdirat",
            "mknodat",
            "unlinkat",
            "fchmodat",
            "fchmodat2",
            "fchownat",
            "utimensat",
            "futimesat",
            "name_to_handle_at",
            "open_tree",
            "mount_setattr")) {
      PATH_ARGS.put(n, new int[] {0, 1});
    }
    for (String n : List.of("renameat", "renameat2", "linkat", "move_mount")) {
      PATH_ARGS.put(n, new int[] {0, 1, 2, 3});
    }
    PATH_ARGS.put("symlinkat", new int[] {1, 2});
    PATH_ARGS.put("fanotify_mark", new int[] {3, 4});
  }

  private static final class Proc {
    @Nullable String cwd;
    Map<Integer, String> fds = new HashMap<>();
    boolean inside;

    Proc copy() {
      Proc p = new Proc();
      p.cwd = cwd;
      p.fds = new HashMap<>(fds);
      p.inside = inside;
      return p;
    }
  }

  private final Options options;
  private final Map<Integer, Proc> procs = new HashMap<>();
  private final Set<String> paths = new LinkedHashSet<>();
  private final Set<String> executed = new LinkedHashSet<>();
  private final StraceLines lines;
  private long calls;
  private long unresolved;
  private @Nullable Integer lastForker;

  private StraceLog(String source, Options options) {
    this.options = options;
    this.lines = new StraceLines(source, this::call, this::seen);
  }

  /**
   * Reads a log.
   *
   * @param source the log's name, for messages
   * @param text its lines
   * @throws ImageException naming the file and line of the first line that is not strace output
   */
  public static Result read(String source, List<String> text, Options options)
      throws ImageException {
    StraceLog log = new StraceLog(source, options);
    for (String l : text) {
      log.lines.line(l);
    }
    return new Result(log.paths, log.executed, log.calls, log.unresolved);
  }

  /**
   * Called for every line: a process gets its state when it first appears, even in an unfinished
   * call.
   */
  private void seen(int pid, @Nullable String startedCall) {
    proc(pid);
    if (startedCall != null && isFork(startedCall)) {
      lastForker = pid;
    }
  }

  private Proc proc(int pid) {
    Proc p = procs.get(pid);
    if (p != null) {
      return p;
    }
    // A child's first call can come before its parent's fork returns: inherit from a process still
    // forking.
    // Failing that, from the process that forked last: a child's pid in strace's column can differ
    // from what
    // fork returned when strace runs outside the child's PID namespace.
    Proc parent = null;
    for (Map.Entry<Integer, String> u : lines.unfinishedNames().entrySet()) {
      if (isFork(u.getValue()) && procs.containsKey(u.getKey())) {
        parent = procs.get(u.getKey());
      }
    }
    if (parent == null && lastForker != null) {
      parent = procs.get(lastForker);
    }
    if (parent != null) {
      p = parent.copy();
    } else {
      p = new Proc();
      p.cwd = procs.isEmpty() ? options.initialCwd() : null;
      p.inside = options.hostRoot() == null;
    }
    procs.put(pid, p);
    return p;
  }

  private static boolean isFork(String name) {
    return name.equals("clone")
        || name.equals("clone3")
        || name.equals("fork")
        || name.equals("vfork");
  }

  private void call(StraceCall c) {
    calls++;
    Proc p = proc(c.pid());
    String name = c.name();
    Long ret = c.returnValue();
    if (isFork(name)) {
      lastForker = c.pid();
      if (ret != null && ret > 0 && !procs.containsKey(ret.intValue())) {
        procs.put(ret.intValue(), p.copy());
      }
      return;
    }
    if (name.equals("chroot")) {
      if (options.hostRoot() != null && !c.failed() && !c.args().isEmpty()) {
        String dir = StraceCall.string(c.args().get(0));
        if (dir != null && normalize(dir).equals(normalize(options.hostRoot()))) {
          p.inside = true;
          p.fds.clear();
        }
      }
      return;
    }
    if (!p.inside) {
      return;
    }
    if (name.equals("fchdir")) {
      if (!c.failed() && !c.args().isEmpty()) {
        p.cwd = dirOf(p, c.args().get(0));
      }
      return;
    }
    int[] spec = PATH_ARGS.get(name);
    if (spec == null) {
      return;
    }
    String first = null;
    for (int i = 0; i + 1 < spec.length; i += 2) {
      if (spec[i + 1] >= c.args().size()) {
        continue;
      }
      String rel = StraceCall.string(c.args().get(spec[i + 1]));
      if (rel == null || rel.isEmpty()) {
        continue; // not a path (a pointer strace did not read) or AT_EMPTY_PATH on the fd itself
      }
      String base =
          rel.startsWith("/")
              ? "/"
              : spec[i] < 0 ? cwdOf(p, null) : dirOf(p, c.args().get(spec[i]));
      if (base == null) {
        unresolved++;
        continue;
      }
      String abs = join(base, rel);
      paths.add(abs);
      if (first == null) {
        first = abs;
      }
    }
    if (first == null) {
      return;
    }
    if (name.equals("execve") || name.equals("execveat")) {
      executed.add(first);
    } else if (name.equals("chdir") && !c.failed()) {
      p.cwd = first;
    } else if ((name.startsWith("open") || name.equals("creat")) && ret != null && ret >= 0) {
      p.fds.put(ret.intValue(), first);
    }
  }

  /**
   * The directory an fd argument names: its {@code -y} annotation, the cwd for AT_FDCWD, or an
   * earlier open.
   */
  private @Nullable String dirOf(Proc p, String arg) {
    Integer fd = StraceCall.fd(arg);
    if (fd == null) {
      return null;
    }
    String annotated = StraceCall.fdPath(arg);
    if (annotated != null) {
      return fromHost(annotated);
    }
    return fd == AT_FDCWD ? cwdOf(p, null) : p.fds.get(fd);
  }

  private static @Nullable String cwdOf(Proc p, @Nullable String fallback) {
    return p.cwd == null ? fallback : p.cwd;
  }

  /**
   * Maps a host path strace printed with {@code -y} into the image, or null when it lies outside
   * the root.
   */
  private @Nullable String fromHost(String path) {
    if (options.hostRoot() == null) {
      return path;
    }
    String root = normalize(options.hostRoot());
    if (path.equals(root)) {
      return "/";
    }
    return path.startsWith(root + "/") ? path.substring(root.length()) : null;
  }

  static String join(String base, String rel) {
    if (rel.startsWith("/")) {
      return rel;
    }
    return base.endsWith("/") ? base + rel : base + "/" + rel;
  }

  /** Collapses repeated and trailing slashes (lexically; {@code ..} is left to the resolver). */
  static String normalize(String p) {
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/", -1)) {
      if (!s.isEmpty() && !s.equals(".")) {
        parts.add(s);
      }
    }
    return "/" + String.join("/", parts);
  }
}
