package dev.ocisquash.strip;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the stripper has decided for every node of one tree, in one place: the rule removing it, or,
 * for a node a rule matched but something kept, that rule and the check and reason that kept it.
 * The rule walk fills it; the safety checks only ever turn removed nodes into kept ones, which is
 * why their fixpoint is reached within one round per node.
 */
final class StripDecisions {
  private final ImageIndex index;
  private final List<String> ruleNames;
  // One slot per node; -1 / null where nothing applies.
  private final int[] rule;
  private final int[] matchedRule;
  private final String[] removeReason;
  private final String[] keptCheck;
  private final String[] keptReason;

  StripDecisions(ImageIndex index, List<String> ruleNames) {
    this.index = index;
    this.ruleNames = List.copyOf(ruleNames);
    int size = index.size();
    rule = new int[size];
    matchedRule = new int[size];
    Arrays.fill(rule, -1);
    Arrays.fill(matchedRule, -1);
    removeReason = new String[size];
    keptCheck = new String[size];
    keptReason = new String[size];
  }

  /** The tree the decisions are about. */
  ImageIndex index() {
    return index;
  }

  /** The number of nodes. */
  int size() {
    return rule.length;
  }

  /** The node numbered {@code i}. */
  TreeNode node(int i) {
    return index.node(i);
  }

  /** The rule names, in priority order; rule numbers index this list. */
  List<String> ruleNames() {
    return ruleNames;
  }

  /** Whether node {@code i} is to be removed. */
  boolean isRemoved(int i) {
    return rule[i] >= 0;
  }

  /** The rule removing node {@code i}, or -1 when it stays. */
  int rule(int i) {
    return rule[i];
  }

  /** For a kept node: the rule that matched it before something kept it, or -1. */
  int matchedRule(int i) {
    return matchedRule[i];
  }

  /** Why a removed node goes when that is not plain rule matching (a symlink chain), or null. */
  String removeReason(int i) {
    return removeReason[i];
  }

  /** The check that kept a matched node ({@code keep}, {@code symlink}, ...), or null. */
  String keptCheck(int i) {
    return keptCheck[i];
  }

  /** Why that check kept the node, or null. */
  String keptReason(int i) {
    return keptReason[i];
  }

  /** Marks node {@code i} removed by rule {@code r}. */
  void remove(int i, int r) {
    rule[i] = r;
  }

  /** Marks node {@code i} removed by rule {@code r} for a reason other than matching it. */
  void remove(int i, int r, String reason) {
    rule[i] = r;
    removeReason[i] = reason;
  }

  /** Records that rule {@code r} matched node {@code i} but a glob kept it. */
  void keptByGlob(int i, int r, String check, String reason) {
    matchedRule[i] = r;
    keptCheck[i] = check;
    keptReason[i] = reason;
  }

  /** Whether any removed node satisfies {@code p}. */
  boolean anyRemoved(Predicate<TreeNode> p) {
    for (int i = 0; i < rule.length; i++) {
      if (rule[i] >= 0 && p.test(index.node(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Un-removes node i (recording why) and every removed ancestor. Returns whether anything changed.
   */
  boolean keep(int i, String check, String reason) {
    if (rule[i] < 0) {
      return false;
    }
    unremove(i, check, reason);
    keepAncestors(i);
    return true;
  }

  /** Un-removes every removed ancestor of node i: a directory that holds a kept path stays. */
  void keepAncestors(int i) {
    String child = index.node(i).path();
    String p = TreePaths.parentOf(child);
    while (p != null) {
      Integer a = index.indexOf(p);
      if (a == null || rule[a] < 0) {
        return;
      }
      unremove(a, "contains-kept", "holds kept " + child);
      p = TreePaths.parentOf(p);
    }
  }

  /** Keeps node i and, for a directory, every removed path below it. */
  boolean keepTarget(int i, String check, String reason) {
    boolean changed = keep(i, check, reason);
    TreeNode n = index.node(i);
    if (n.isDirectory()) {
      String prefix = n.path().equals("/") ? "/" : n.path() + "/";
      for (int j = i + 1; j < rule.length && index.node(j).path().startsWith(prefix); j++) {
        if (rule[j] >= 0) {
          unremove(j, check, reason);
          changed = true;
        }
      }
    }
    return changed;
  }

  /** Whether every node of a walk (its symlinks and its target) stays. */
  boolean survives(ImageIndex.Walk w) {
    for (int v : w.visited) {
      if (rule[v] >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Keeps the symlinks of a walk and its target (a directory target whole). */
  boolean keepWalk(ImageIndex.Walk w, String check, String reason) {
    boolean changed = false;
    for (int k = 0; k < w.visited.size(); k++) {
      int v = w.visited.get(k);
      changed |= k == w.visited.size() - 1 ? keepTarget(v, check, reason) : keep(v, check, reason);
    }
    return changed;
  }

  private void unremove(int i, String check, String reason) {
    matchedRule[i] = rule[i];
    rule[i] = -1;
    keptCheck[i] = check;
    keptReason[i] = reason;
  }
}
