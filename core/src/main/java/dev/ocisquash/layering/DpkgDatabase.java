package dev.ocisquash.layering;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.NullUnmarked;

/**
 * Debian and Ubuntu: {@code /var/lib/dpkg/status} says which packages are on the system, {@code
 * /var/lib/dpkg/info/<pkg>[:<arch>].list} lists each one's files, and the status {@code Conffiles} field its
 * configuration files. A package's own control files ({@code info/<pkg>.md5sums}, {@code .postinst}, ...) belong to
 * it as well, so that only the status file and the logs change when one package is updated.
 *
 * <p>The group name is the {@code .list} stem ({@code libssl3:amd64} on multi-arch systems, {@code bash}
 * otherwise): stable across versions. A package whose status is {@code not-installed} claims nothing.
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class DpkgDatabase implements OwnerDatabase {
  static final String STATUS = "/var/lib/dpkg/status";
  static final String INFO = "/var/lib/dpkg/info";

  @Override
  public String name() {
    return "dpkg";
  }

  @Override
  public void claim(FileTree tree, Claims claims) throws IOException {
    TreeNode status = TreeFiles.regular(tree, STATUS);
    if (status == null) {
      return;
    }
    Map<String, Package> packages = readStatus(tree, status);
    // The info directory, read once: stem -> its files (list, md5sums, maintainer scripts).
    Map<String, List<TreeNode>> infoFiles = new TreeMap<>();
    for (TreeNode n : tree.nodes()) {
      if (n.isRegular() && TreeFiles.parent(n.path()).equals(INFO)) {
        String file = n.name();
        int dot = file.lastIndexOf('.');
        if (dot > 0) {
          infoFiles.computeIfAbsent(file.substring(0, dot), k -> new ArrayList<>()).add(n);
        }
      }
    }
    for (Map.Entry<String, List<TreeNode>> e : infoFiles.entrySet()) {
      String stem = e.getKey();
      String pkg = stem.contains(":") ? stem.substring(0, stem.indexOf(':')) : stem;
      Package p = packages.get(pkg);
      if (p == null || !p.present()) {
        continue;
      }
      Component owner = Component.of(Source.DEB, stem);
      for (TreeNode info : e.getValue()) {
        claims.claim(info.path(), owner);
        if (info.name().equals(stem + ".list")) {
          claimListed(tree, info, owner, claims);
        }
      }
      for (String conffile : p.conffiles) {
        claimIfFile(tree, conffile, owner, claims);
      }
    }
  }

  private static void claimListed(FileTree tree, TreeNode list, Component owner, Claims claims) throws IOException {
    try (BufferedReader r = TreeFiles.lines(tree, list)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("/") && !line.equals("/.")) {
          claimIfFile(tree, line, owner, claims);
        }
      }
    }
  }

  /**
   * Claims a listed path that is a non-directory in the tree. A path the tree lacks is looked up again through the
   * symlinks among its parents: on a merged-/usr system the list says {@code /bin/bash} while the file is {@code
   * /usr/bin/bash}, under the {@code /bin -> usr/bin} link.
   */
  static void claimIfFile(FileTree tree, String path, Component owner, Claims claims) {
    TreeNode n = tree.get(path);
    if (n == null) {
      String real = TreeFiles.throughLinks(tree, path);
      n = real == null ? null : tree.get(real);
    }
    if (n != null && !n.isDirectory()) {
      claims.claim(n.path(), owner);
    }
  }

  /** One stanza of the status file: whether its files are on the system, and its conffiles. */
  private record Package(String state, List<String> conffiles) {
    boolean present() {
      return !state.equals("not-installed");
    }
  }

  /** Parses the status file: stanzas separated by blank lines; {@code Conffiles:} continues on indented lines. */
  private static Map<String, Package> readStatus(FileTree tree, TreeNode status) throws IOException {
    Map<String, Package> out = new HashMap<>();
    String name = null;
    String state = "installed";
    List<String> conffiles = new ArrayList<>();
    boolean inConffiles = false;
    try (BufferedReader r = TreeFiles.lines(tree, status)) {
      for (String line = r.readLine(); ; line = r.readLine()) {
        if (line == null || line.isEmpty()) {
          if (name != null) {
            out.merge(name, new Package(state, conffiles), (a, b) -> a.present() ? a : b);
          }
          if (line == null) {
            break;
          }
          name = null;
          state = "installed";
          conffiles = new ArrayList<>();
          inConffiles = false;
          continue;
        }
        if (line.startsWith(" ") && inConffiles) {
          String[] f = line.trim().split("\\s+");
          if (f.length >= 1 && f[0].startsWith("/")) {
            conffiles.add(f[0]);
          }
          continue;
        }
        inConffiles = line.startsWith("Conffiles:");
        if (line.startsWith("Package:")) {
          name = line.substring("Package:".length()).trim();
        } else if (line.startsWith("Status:")) {
          String[] words = line.substring("Status:".length()).trim().split("\\s+");
          state = words[words.length - 1];
        }
      }
    }
    return out;
  }
}
