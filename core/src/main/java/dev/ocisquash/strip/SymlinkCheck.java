package dev.ocisquash.strip;

/**
 * Symlinks: a kept symlink keeps its chain and its target (a directory target whole), so no kept
 * link dangles. The opposite direction is {@link #followChains}: a removed symlink takes along the
 * links of its chain when the same rule removed the final target (the Debian JDK {@code src.zip}
 * chain goes as a whole).
 */
final class SymlinkCheck implements SafetyCheck {
  @Override
  public String name() {
    return "symlink";
  }

  @Override
  public boolean run(StripDecisions d) {
    boolean changed = false;
    ImageIndex index = d.index();
    for (int i = 0; i < d.size(); i++) {
      TreeNode n = d.node(i);
      if (!n.isSymlink() || d.isRemoved(i)) {
        continue;
      }
      ImageIndex.Walk w = index.resolve(n.path());
      if (w.exists && !d.survives(w)) {
        changed |= d.keepWalk(w, "symlink", "target of symlink " + n.path());
      }
    }
    return changed;
  }

  /**
   * Removes, with a removed symlink, the intermediate links of its chain that nothing decided
   * about, when the rule that removed the link also removed the chain's final target. Runs once,
   * after the rule walk.
   */
  static void followChains(StripDecisions d) {
    ImageIndex index = d.index();
    for (int i = 0; i < d.size(); i++) {
      TreeNode n = d.node(i);
      if (!n.isSymlink() || !d.isRemoved(i) || d.removeReason(i) != null) {
        continue;
      }
      ImageIndex.Walk w = index.resolve(n.path());
      if (!w.exists) {
        continue;
      }
      int target = w.last();
      if (d.rule(target) != d.rule(i)) {
        continue;
      }
      for (int k = 1; k < w.visited.size() - 1; k++) {
        int h = w.visited.get(k);
        if (!d.isRemoved(h) && d.keptCheck(h) == null) {
          d.remove(h, d.rule(i), "symlink chain from " + n.path() + " to " + w.finalPath);
        }
      }
    }
  }
}
