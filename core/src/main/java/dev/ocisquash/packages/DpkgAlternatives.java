package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Debian's alternatives: {@code /var/lib/dpkg/alternatives/NAME} records a link group (mode, master
 * link, slave name and link pairs, a blank line, then per choice its path, priority and one line
 * per slave path, and a blank line at the end); {@code /etc/alternatives/NAME} points at the chosen
 * path and the master link at it. A removed package's maintainer script would run {@code
 * update-alternatives --remove}; here, a group all of whose choices go loses its links and its
 * record, and a group that keeps its current choice loses the removed choices from its record. A
 * group whose current choice goes while others stay is left alone: its links keep the choice's file
 * (the symlink safety check), and the package is then not removed whole. Format: dpkg's {@code
 * utils/update-alternatives.c} ({@code alternative_load}, {@code alternative_parse_fileset}),
 * guillemj/dpkg at cb93a53a1da27d7a1286c068b9f79d39b481e8e3.
 */
final class DpkgAlternatives {
  static final String ADMIN = "/var/lib/dpkg/alternatives";
  static final String LINKS = "/etc/alternatives";

  private DpkgAlternatives() {}

  /** One choice: its path and its record lines (path, priority, slave paths). */
  private record Choice(String path, List<String> lines) {}

  /** One link group as recorded. */
  private record Group(
      String name, String admin, List<String> header, List<String> links, List<Choice> choices) {}

  private static List<Group> read(FileTree tree) throws IOException {
    List<Group> out = new ArrayList<>();
    for (TreeNode n : tree.nodes()) {
      if (!n.isRegular() || !TreeFiles.parent(n.path()).equals(ADMIN)) {
        continue;
      }
      String[] l = new String(TreeFiles.bytes(tree, n), StandardCharsets.UTF_8).split("\n", -1);
      try {
        List<String> header = new ArrayList<>(List.of(l[0], l[1]));
        List<String> links = new ArrayList<>(List.of(LINKS + "/" + n.name(), l[1]));
        int i = 2;
        int slaves = 0;
        for (; !l[i].isEmpty(); i += 2, slaves++) {
          header.add(l[i]);
          header.add(l[i + 1]);
          links.add(LINKS + "/" + l[i]);
          links.add(l[i + 1]);
        }
        header.add("");
        List<Choice> choices = new ArrayList<>();
        for (i++; !l[i].isEmpty(); i += 2 + slaves) {
          choices.add(new Choice(l[i], List.of(l).subList(i, i + 2 + slaves)));
        }
        out.add(new Group(n.name(), n.path(), header, links, choices));
      } catch (ArrayIndexOutOfBoundsException malformed) {
        // a damaged record: never guessed at
      }
    }
    return out;
  }

  /** The links and records of the groups all of whose choices are among {@code removed}. */
  static Set<String> emptiedGroups(FileTree tree, Set<String> removed) throws IOException {
    Set<String> out = new TreeSet<>();
    for (Group g : read(tree)) {
      if (g.choices().isEmpty()
          || !g.choices().stream().allMatch(c -> removed.contains(real(tree, c.path())))) {
        continue;
      }
      out.add(g.admin());
      for (String link : g.links()) {
        TreeNode n = Listing.find(tree, link);
        if (n != null && n.isSymlink()) {
          out.add(n.path());
        }
      }
    }
    return out;
  }

  /** New records for the groups that lose some choices but keep their current one. */
  static void rewrites(FileTree tree, Set<String> removed, Map<String, byte[]> out)
      throws IOException {
    for (Group g : read(tree)) {
      List<String> lines = new ArrayList<>(g.header());
      int gone = 0;
      for (Choice c : g.choices()) {
        if (removed.contains(real(tree, c.path()))) {
          gone++;
        } else {
          lines.addAll(c.lines());
        }
      }
      TreeNode current = tree.get(LINKS + "/" + g.name());
      String chosen = current == null || !current.isSymlink() ? null : current.linkTarget();
      if (gone == 0
          || gone == g.choices().size()
          || (chosen != null && removed.contains(real(tree, chosen)))) {
        continue;
      }
      lines.add("");
      out.put(g.admin(), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The path a choice names as the tree holds it (through symlinked parents such as {@code /bin}).
   */
  private static String real(FileTree tree, String path) {
    TreeNode n = Listing.find(tree, path);
    return n == null ? path : n.path();
  }
}
