package dev.ocisquash.layering;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.NullUnmarked;

/**
 * Python distributions installed by pip: {@code <site>/<name>-<version>.dist-info/RECORD} (CSV: path relative to
 * the site directory, hash, size) and, for older installs, {@code <name>-<version>.egg-info/installed-files.txt}
 * (paths relative to the egg-info directory). Works for {@code site-packages} and Debian's {@code dist-packages}
 * alike. The group name is the normalised project name (PEP 503: lower case, runs of {@code -_.} as {@code -}),
 * without the version.
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class PythonDatabase implements OwnerDatabase {
  @Override
  public String name() {
    return "python";
  }

  @Override
  public void claim(FileTree tree, Claims claims) throws IOException {
    for (TreeNode n : tree.nodes()) {
      if (!n.isRegular()) {
        continue;
      }
      String parent = TreeFiles.parent(n.path());
      String dirName = parent.substring(parent.lastIndexOf('/') + 1);
      if (n.name().equals("RECORD") && dirName.endsWith(".dist-info")) {
        Component owner = Component.of(Source.PYTHON, project(dirName, ".dist-info"));
        claimLines(tree, n, TreeFiles.parent(parent), owner, claims, true);
      } else if (n.name().equals("installed-files.txt") && dirName.endsWith(".egg-info")) {
        Component owner = Component.of(Source.PYTHON, project(dirName, ".egg-info"));
        claims.claim(n.path(), owner);
        claimLines(tree, n, parent, owner, claims, false);
      }
    }
  }

  private static void claimLines(
      FileTree tree, TreeNode list, String base, Component owner, Claims claims, boolean csv) throws IOException {
    try (BufferedReader r = TreeFiles.lines(tree, list)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String rel = csv ? firstCsvField(line) : line.trim();
        if (rel.isEmpty()) {
          continue;
        }
        String path = TreeFiles.resolve(base, rel);
        if (path != null) {
          DpkgDatabase.claimIfFile(tree, path, owner, claims);
        }
      }
    }
  }

  /** The first field of a RECORD line; a quoted field may hold commas and doubled quotes. */
  static String firstCsvField(String line) {
    if (!line.startsWith("\"")) {
      int comma = line.indexOf(',');
      return comma < 0 ? line : line.substring(0, comma);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else {
          break;
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@code Foo_Bar-1.2.dist-info} to {@code foo-bar}. */
  static String project(String dirName, String suffix) {
    String stem = dirName.substring(0, dirName.length() - suffix.length());
    int dash = stem.indexOf('-');
    String name = dash < 0 ? stem : stem.substring(0, dash);
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
  }
}
