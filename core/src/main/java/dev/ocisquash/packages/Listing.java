package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Collects the paths a database lists for one package, as the tree holds them: a listed path the
 * tree lacks is looked up again through the symlinks among its parents (on a merged-/usr system
 * dpkg lists {@code /bin/bash} for {@code /usr/bin/bash}); a path still missing is skipped
 * (stripped or deleted since).
 */
final class Listing {
  private final FileTree tree;
  private final TreeSet<String> files = new TreeSet<>();
  private final TreeSet<String> directories = new TreeSet<>();
  private final TreeSet<String> database = new TreeSet<>();
  private final java.util.Set<String> counted = new java.util.HashSet<>();
  private long bytes;

  Listing(FileTree tree) {
    this.tree = tree;
  }

  /** Adds a listed path; returns the node found, or null. */
  @Nullable TreeNode add(@Nullable String path) {
    TreeNode n = find(tree, path);
    if (n == null) {
      return null;
    }
    if (n.isDirectory()) {
      directories.add(n.path());
    } else {
      files.add(n.path());
      count(n);
    }
    return n;
  }

  /** Adds one of the package's own database records (a file or its directory). */
  void addDatabase(TreeNode n) {
    database.add(n.path());
    if (!n.isDirectory()) {
      count(n);
    }
  }

  private void count(TreeNode n) {
    if (counted.add(n.path())) {
      bytes += n.size();
    }
  }

  /** The node at a listed path, directly or through symlinked parents, or null. */
  static @Nullable TreeNode find(FileTree tree, @Nullable String path) {
    if (path == null || path.equals("/")) {
      return null;
    }
    TreeNode n = tree.get(path);
    if (n == null) {
      String real = TreeFiles.throughLinks(tree, path);
      n = real == null ? null : tree.get(real);
    }
    return n;
  }

  InstalledPackage build(
      Ecosystem eco,
      String name,
      String version,
      String key,
      String scope,
      List<Dependency> depends,
      List<String> provides,
      @Nullable String protection) {
    List<String> db = new ArrayList<>(database);
    List<String> f = new ArrayList<>(files);
    f.removeAll(database);
    return new InstalledPackage(
        eco,
        name,
        version,
        key,
        scope,
        f,
        new ArrayList<>(directories),
        db,
        bytes,
        depends,
        provides,
        protection);
  }
}
