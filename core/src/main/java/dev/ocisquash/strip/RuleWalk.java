package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one walk over the tree, parents first, that decides each path from the globs alone. Every
 * glob of every rule, the {@code --keep} globs and the license globs are compiled into one {@link
 * RuleMatcher}, each tagged: rule {@code r}'s removals with {@code 2r}, its exceptions with {@code
 * 2r + 1}, then one tag for keeps and one for licenses. A path inherits its parent's tags, so
 * matching a path or any ancestor counts. The first rule (priority order) whose removal matches and
 * whose own exception does not removes the path, unless a keep or license glob matches; a removed
 * directory that holds a kept path stays.
 */
final class RuleWalk {
  private RuleWalk() {}

  /** The matcher state after a directory's path, and the tags accepted on the way there. */
  private record DirInfo(RuleMatcher.State state, BitSet bits) {}

  /** Decides every node of {@code decisions} from the rules. */
  static void apply(StripDecisions decisions, List<RuleSpec> specs, StripRules rules) {
    List<String> globs = new ArrayList<>();
    List<Integer> tags = new ArrayList<>();
    for (int r = 0; r < specs.size(); r++) {
      for (String g : specs.get(r).removes()) {
        globs.add(g);
        tags.add(2 * r);
      }
      for (String g : specs.get(r).exceptions()) {
        globs.add(g);
        tags.add(2 * r + 1);
      }
    }
    int keepTag = 2 * specs.size();
    int licenseTag = keepTag + 1;
    for (String g : rules.keeps()) {
      globs.add(g);
      tags.add(keepTag);
    }
    if (rules.keepLicenses() && !specs.isEmpty()) {
      for (String g : Presets.LICENSE_KEEPS) {
        globs.add(g);
        tags.add(licenseTag);
      }
    }
    RuleMatcher matcher = RuleMatcher.compile(globs, tags);
    walk(decisions, matcher, specs.size(), keepTag, licenseTag);
    for (int i = 0; i < decisions.size(); i++) {
      if (!decisions.isRemoved(i)) {
        decisions.keepAncestors(i);
      }
    }
  }

  private static void walk(
      StripDecisions d, RuleMatcher m, int ruleCount, int keepTag, int licenseTag) {
    Map<String, DirInfo> dirs = new HashMap<>();
    for (int i = 0; i < d.size(); i++) {
      TreeNode n = d.node(i);
      String p = n.path();
      RuleMatcher.State st;
      BitSet bits;
      if (p.equals("/")) {
        st = m.start();
        bits = new BitSet();
      } else {
        String parent = Objects.requireNonNull(TreePaths.parentOf(p), "parent");
        DirInfo info = dirs.get(parent);
        if (info == null) {
          info = fresh(m, parent);
          dirs.put(parent, info);
        }
        st = m.step(info.state(), n.name());
        bits = info.bits();
      }
      int[] acc = m.accepts(st);
      if (acc.length > 0) {
        bits = (BitSet) bits.clone();
        for (int t : acc) {
          bits.set(t);
        }
      }
      if (n.isDirectory()) {
        dirs.put(p, new DirInfo(st, bits));
      }
      if (bits.isEmpty()) {
        continue;
      }
      int first = -1;
      for (int r = 0; r < ruleCount; r++) {
        if (bits.get(2 * r) && !bits.get(2 * r + 1)) {
          first = r;
          break;
        }
      }
      if (first < 0) {
        continue;
      }
      if (bits.get(keepTag)) {
        d.keptByGlob(i, first, "keep", "matches a --keep glob");
      } else if (bits.get(licenseTag)) {
        d.keptByGlob(i, first, "license", "license files always stay");
      } else {
        d.remove(i, first);
      }
    }
  }

  /**
   * The matcher state of a directory not seen on the walk (its parent was missing from the tree).
   */
  private static DirInfo fresh(RuleMatcher m, String path) {
    RuleMatcher.State s = m.start();
    BitSet b = new BitSet();
    for (String c : path.substring(1).split("/", -1)) {
      if (!c.isEmpty()) {
        s = m.step(s, c);
        for (int t : m.accepts(s)) {
          b.set(t);
        }
      }
    }
    return new DirInfo(s, b);
  }
}
