package dev.ocisquash.layering;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.NullUnmarked;

/**
 * npm: each {@code node_modules/<pkg>/} (or {@code node_modules/@scope/<pkg>/}) with a {@code package.json} owns the
 * files below it, except those of packages nested in its own {@code node_modules}: a file belongs to the innermost
 * package directory above it. The group name is the package directory ({@code /app/node_modules/lodash}):
 * npm's layout, not a version, decides it.
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class NpmDatabase implements OwnerDatabase {
  @Override
  public String name() {
    return "npm";
  }

  @Override
  public void claim(FileTree tree, Claims claims) {
    List<String> packageDirs = new ArrayList<>();
    for (TreeNode n : tree.nodes()) {
      if (n.isRegular() && n.name().equals("package.json")) {
        String dir = TreeFiles.parent(n.path());
        if (isPackageDir(dir)) {
          packageDirs.add(dir);
        }
      }
    }
    if (packageDirs.isEmpty()) {
      return;
    }
    Set<String> dirs = new HashSet<>(packageDirs);
    for (TreeNode n : tree.nodes()) {
      if (n.isDirectory() || !n.path().contains("/node_modules/")) {
        continue;
      }
      // Walking up from the file finds the innermost package directory first: a nested package keeps its files.
      for (String dir = TreeFiles.parent(n.path()); !dir.equals("/"); dir = TreeFiles.parent(dir)) {
        if (dirs.contains(dir)) {
          claims.claim(n.path(), Component.of(Source.NPM, dir));
          break;
        }
      }
    }
  }

  /** {@code .../node_modules/name} or {@code .../node_modules/@scope/name}. */
  static boolean isPackageDir(String dir) {
    String parent = TreeFiles.parent(dir);
    if (parent.endsWith("/node_modules")) {
      return !dir.substring(dir.lastIndexOf('/') + 1).startsWith("@");
    }
    String grand = TreeFiles.parent(parent);
    return grand.endsWith("/node_modules") && parent.substring(parent.lastIndexOf('/') + 1).startsWith("@");
  }
}
