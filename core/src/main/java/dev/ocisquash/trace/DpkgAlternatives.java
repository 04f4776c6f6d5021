package dev.ocisquash.trace;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The links {@code update-alternatives} made for removed packages. Its links belong to no package
 * in dpkg's database, yet a package's {@code prerm} removes them when the last alternative for a
 * name goes. Without that, {@code /usr/bin/cc -> /etc/alternatives/cc -> /usr/bin/gcc} would
 * dangle, and the strip's symlink check would keep gcc. For each name in {@code
 * /var/lib/dpkg/alternatives} all of whose alternatives are removed, this names the master and
 * slave links, their {@code /etc/alternatives} entries and the administrative file, as {@code
 * update-alternatives --remove} would delete them (dpkg utils/update-alternatives.c at
 * guillemj/dpkg cb93a53a; the administrative file format: mode, master link, slave name/link pairs,
 * a blank line, then per alternative its path, priority and one line per slave). Pure over a {@link
 * FileTree}.
 */
public final class DpkgAlternatives {
  /** The administrative directory. */
  public static final String ADMIN = "/var/lib/dpkg/alternatives";

  private static final String ETC = "/etc/alternatives";

  private DpkgAlternatives() {}

  /**
   * The paths to remove along with {@code removed}.
   *
   * @param removed the paths the package removal takes
   */
  public static Set<String> cleanup(FileTree tree, Set<String> removed) throws IOException {
    Set<String> out = new TreeSet<>();
    PathResolver resolver = new PathResolver(TraceRoot.of(tree));
    for (TreeNode n : tree.nodes()) {
      if (!n.isRegular()
          || !n.path().startsWith(ADMIN + "/")
          || n.path().indexOf('/', ADMIN.length() + 1) >= 0) {
        continue;
      }
      List<String> lines = read(tree, n);
      if (lines.size() < 2) {
        continue;
      }
      String name = n.name();
      List<String[]> slaves = new ArrayList<>();
      int i = 2;
      for (; i + 1 < lines.size() && !lines.get(i).isEmpty(); i += 2) {
        slaves.add(new String[] {lines.get(i), lines.get(i + 1)});
      }
      i++; // the blank line
      boolean all = true;
      int alternatives = 0;
      while (i < lines.size() && !lines.get(i).isEmpty()) {
        String path = lines.get(i);
        alternatives++;
        String real = resolver.resolve(path, new java.util.HashSet<>());
        if (real != null && !removed.contains(path) && !removed.contains(real)) {
          all = false; // this alternative stays
        }
        i += 2 + slaves.size();
      }
      if (!all || alternatives == 0) {
        continue;
      }
      link(tree, resolver, lines.get(1), ETC + "/" + name, out);
      for (String[] s : slaves) {
        link(tree, resolver, s[1], ETC + "/" + s[0], out);
      }
      out.add(n.path());
    }
    return out;
  }

  /**
   * Adds the generic link when it points at its /etc/alternatives entry, and the entry when it is a
   * symlink.
   */
  private static void link(
      FileTree tree, PathResolver resolver, String link, String entry, Set<String> out)
      throws IOException {
    TreeNode e = tree.get(entry);
    if (e != null && e.isSymlink()) {
      out.add(entry);
    }
    // the link as the tree holds it: /lib/cpp is /usr/lib/cpp once /lib is a symlink to usr/lib
    int slash = link.lastIndexOf('/');
    String dir =
        slash <= 0 ? "/" : resolver.resolve(link.substring(0, slash), new java.util.HashSet<>());
    if (dir == null) {
      return;
    }
    String real = (dir.equals("/") ? "" : dir) + link.substring(slash);
    TreeNode l = tree.get(real);
    if (l != null && l.isSymlink() && entry.equals(l.linkTarget())) {
      out.add(real);
    }
  }

  private static List<String> read(FileTree tree, TreeNode n) throws IOException {
    if (n.size() > 1 << 20) {
      return List.of();
    }
    try (SeekableContent c = tree.open(n)) {
      byte[] b = new byte[(int) c.size()];
      int got = c.readFully(0, b, 0, b.length);
      return new String(b, 0, got, StandardCharsets.UTF_8).lines().toList();
    }
  }
}
