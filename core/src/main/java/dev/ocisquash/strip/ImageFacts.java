package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the presets need to know about a tree before they expand: its conda roots, the C/C++
 * compilers it holds and the polars runtimes beside each other.
 *
 * @param condaRoots directories holding {@code conda-meta/}, in tree order
 * @param compilers paths of compilers on the default PATH or in a conda root's {@code bin/}
 * @param polars for each directory holding {@code _polars_runtime_*} directories, their names
 */
record ImageFacts(
    List<String> condaRoots, List<String> compilers, Map<String, Set<String>> polars) {
  /**
   * Directories searched for interpreters named through {@code /usr/bin/env} (conda roots' bin/ are
   * added).
   */
  static final List<String> PATH_DIRS =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  /** Names of C/C++ compilers (the conda ones carry a {@code <arch>-conda-linux-gnu-} prefix). */
  static final List<String> COMPILERS = List.of("gcc", "cc", "clang", "g++", "c++");

  private static final String CONDA_TRIPLET = "-conda-linux-gnu-";

  /** Scans a tree once for the facts. */
  static ImageFacts scan(ImageIndex index) {
    List<String> condaRoots = new ArrayList<>();
    List<String> compilers = new ArrayList<>();
    Map<String, Set<String>> polars = new TreeMap<>();
    for (TreeNode n : index.nodes()) {
      if (n.isDirectory()) {
        String name = n.name();
        if (name.equals("conda-meta")) {
          condaRoots.add(TreePaths.parentOf(n.path()));
        } else if (name.startsWith("_polars_runtime_")) {
          polars
              .computeIfAbsent(TreePaths.parentOf(n.path()), k -> new LinkedHashSet<>())
              .add(name);
        }
      }
    }
    List<String> bins = new ArrayList<>(PATH_DIRS);
    for (String r : condaRoots) {
      bins.add(TreePaths.join(r, "bin"));
    }
    for (String b : bins) {
      for (String c : COMPILERS) {
        TreeNode n = index.tree().get(TreePaths.join(b, c));
        if (n != null && !n.isDirectory()) {
          compilers.add(n.path());
        }
      }
    }
    for (String r : condaRoots) {
      String bin = TreePaths.join(r, "bin") + "/";
      for (TreeNode n : index.nodes()) {
        if (n.path().startsWith(bin)
            && n.path().indexOf('/', bin.length()) < 0
            && isCondaCompiler(n.name())) {
          compilers.add(n.path());
        }
      }
    }
    return new ImageFacts(condaRoots, compilers, polars);
  }

  /**
   * These facts without the compilers at the given paths (those a {@code --remove-package} takes
   * along).
   */
  ImageFacts without(Set<String> removedPaths) {
    List<String> kept = new ArrayList<>();
    for (String c : compilers) {
      if (!removedPaths.contains(c)) {
        kept.add(c);
      }
    }
    return new ImageFacts(condaRoots, kept, polars);
  }

  /**
   * Whether a conda root's {@code bin/} holds a conda compiler ({@code
   * x86_64-conda-linux-gnu-gcc}).
   */
  boolean condaRootHasCompiler(String root) {
    String bin = TreePaths.join(root, "bin") + "/";
    for (String c : compilers) {
      if (c.startsWith(bin) && c.contains("-conda-linux-gnu-")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isCondaCompiler(String name) {
    int i = name.indexOf(CONDA_TRIPLET);
    return i > 0 && COMPILERS.contains(name.substring(i + CONDA_TRIPLET.length()));
  }
}
