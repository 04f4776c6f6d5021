package dev.ocisquash.strip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Where the dynamic loader finds a {@code DT_NEEDED} library inside the image: {@code DT_RPATH}
 * (only without {@code DT_RUNPATH}), {@code DT_RUNPATH}, the directories of {@code /etc/ld.so.conf}
 * and its includes and of {@code /etc/ld.so.conf.d/*.conf}, then the default directories of glibc
 * and musl; in each directory the {@code glibc-hwcaps} subdirectories first. {@code $ORIGIN},
 * {@code $LIB} and {@code $PLATFORM} are substituted. Paths resolve inside the image ({@link
 * ImageIndex#resolve}); the host is never read. The result is a superset of what one loader
 * searches (glibc and musl differ, hwcaps depend on the CPU), which errs on the side of keeping.
 */
final class LibraryResolver {
  /** Default library directories of glibc and musl, searched after DT_RUNPATH and ld.so.conf. */
  static final List<String> DEFAULT_LIB_DIRS =
      List.of(
          "/lib",
          "/usr/lib",
          "/lib64",
          "/usr/lib64",
          "/lib/x86_64-linux-gnu",
          "/usr/lib/x86_64-linux-gnu",
          "/lib/aarch64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/lib32",
          "/usr/lib32",
          "/usr/local/lib");

  /** Subdirectories glibc 2.33+ searches first in each directory, best CPU level first. */
  static final List<String> HWCAPS =
      List.of("glibc-hwcaps/x86-64-v4", "glibc-hwcaps/x86-64-v3", "glibc-hwcaps/x86-64-v2");

  private static final String LD_SO_CONF = "/etc/ld.so.conf";
  private static final String LD_SO_CONF_D = "/etc/ld.so.conf.d/";
  private static final int MAX_INCLUDE_DEPTH = 8;
  private static final int MAX_CONF_BYTES = 1 << 20;

  private final ImageIndex index;
  private @Nullable List<String> ldConfDirs;

  LibraryResolver(ImageIndex index) {
    this.index = index;
  }

  /**
   * The directories searched for the libraries of one ELF file, in order.
   *
   * @param elfPath the file's path ({@code $ORIGIN} is its directory)
   * @param rpath its {@code DT_RPATH}, or null
   * @param runpath its {@code DT_RUNPATH}, or null
   * @param is64 whether it is 64-bit ({@code $LIB})
   * @throws IOException when an ld.so.conf file cannot be read
   */
  List<String> searchDirs(
      String elfPath, @Nullable String rpath, @Nullable String runpath, boolean is64)
      throws IOException {
    String origin = Objects.requireNonNull(TreePaths.parentOf(elfPath), "an ELF file is never /");
    List<String> dirs = new ArrayList<>();
    if (runpath == null && rpath != null) {
      addPathList(dirs, rpath, origin, is64);
    }
    if (runpath != null) {
      addPathList(dirs, runpath, origin, is64);
    }
    dirs.addAll(ldConfDirs());
    dirs.addAll(DEFAULT_LIB_DIRS);
    return dirs;
  }

  /**
   * The paths tried for a soname, in order: in each directory the hwcaps subdirectories, then the
   * directory. A soname with a slash is a path: only an absolute one is tried.
   */
  static List<String> candidates(String soname, List<String> dirs) {
    List<String> candidates = new ArrayList<>();
    if (soname.contains("/")) {
      if (soname.startsWith("/")) {
        candidates.add(soname);
      }
    } else {
      for (String d : dirs) {
        for (String h : HWCAPS) {
          candidates.add(TreePaths.join(d, h + "/" + soname));
        }
        candidates.add(TreePaths.join(d, soname));
      }
    }
    return candidates;
  }

  /**
   * The files a soname resolves to, in search order, each as the walk that reaches it (symlinks
   * included); directories are skipped. Lazy: a caller that stops at the first match resolves no
   * further candidate.
   */
  Stream<ImageIndex.Walk> locate(String soname, List<String> dirs) {
    return candidates(soname, dirs).stream()
        .map(index::resolve)
        .filter(w -> w.exists && !index.node(w.last()).isDirectory());
  }

  /**
   * The directories named by {@code /etc/ld.so.conf} (following {@code include}) and by {@code
   * /etc/ld.so.conf.d/*.conf}, in reading order; read once per tree.
   */
  List<String> ldConfDirs() throws IOException {
    if (ldConfDirs != null) {
      return ldConfDirs;
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    readLdConf(LD_SO_CONF, out, seen, 0);
    for (TreeNode n : index.nodes()) {
      if (n.path().startsWith(LD_SO_CONF_D)
          && n.name().endsWith(".conf")
          && n.path().indexOf('/', LD_SO_CONF_D.length()) < 0) {
        readLdConf(n.path(), out, seen, 0);
      }
    }
    ldConfDirs = out;
    return out;
  }

  private static void addPathList(List<String> out, String list, String origin, boolean is64) {
    for (String d : list.split(":", -1)) {
      if (d.isEmpty()) {
        continue;
      }
      d = d.replace("${ORIGIN}", origin).replace("$ORIGIN", origin);
      d = d.replace("${LIB}", is64 ? "lib64" : "lib").replace("$LIB", is64 ? "lib64" : "lib");
      d = d.replace("${PLATFORM}", "x86_64").replace("$PLATFORM", "x86_64");
      if (d.startsWith("/")) {
        out.add(TreePaths.normalise(d));
      }
    }
  }

  private void readLdConf(String path, List<String> out, Set<String> seen, int depth)
      throws IOException {
    if (depth > MAX_INCLUDE_DEPTH || !seen.add(path)) {
      return;
    }
    ImageIndex.Walk w = index.resolve(path);
    if (!w.exists) {
      return;
    }
    TreeNode n = index.node(w.last());
    if (!n.isRegular() || n.size() > MAX_CONF_BYTES) {
      return;
    }
    byte[] b = new byte[(int) n.size()];
    try (SeekableContent c = index.open(n)) {
      c.readFully(0, b, 0, b.length);
    }
    for (String line : new String(b, StandardCharsets.UTF_8).split("\n", -1)) {
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.trim();
      if (line.isEmpty() || line.startsWith("hwcap")) {
        continue;
      }
      if (line.startsWith("include")) {
        String pat = line.substring("include".length()).trim();
        if (!pat.startsWith("/")) {
          pat = "/etc/" + pat;
        }
        RuleMatcher m = RuleMatcher.compile(List.of(pat));
        for (TreeNode f : index.nodes()) {
          if (f.isRegular() && f.path().startsWith("/etc/") && m.matchAll(f.path()).get(0)) {
            readLdConf(f.path(), out, seen, depth + 1);
          }
        }
        continue;
      }
      for (String d : line.split("[\\s:,]+", -1)) {
        if (d.startsWith("/")) {
          out.add(TreePaths.normalise(d));
        }
      }
    }
  }
}
