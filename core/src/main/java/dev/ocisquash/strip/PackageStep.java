package dev.ocisquash.strip;

import dev.ocisquash.packages.Installed;
import dev.ocisquash.packages.InstalledPackage;
import dev.ocisquash.packages.PackageRemoval;
import dev.ocisquash.packages.RemovalPlan;
import dev.ocisquash.packages.RemovalRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code --remove-package} inside a strip: the packages' paths become decisions of one rule per
 * package ({@code package:dpkg:gcc-12}), after the globs and before the safety checks, so that a
 * library a kept binary needs stays. {@code --keep} globs win as they do over any rule; the license
 * keeps do not apply (a removed package's license describes nothing that ships). After the checks,
 * a package whose paths all went loses its database records too; one a check kept in part keeps
 * them and its database entry ({@link PackageRemoval#settle}).
 */
final class PackageStep {
  static final String ALTERNATIVES_RULE = "package:dpkg-alternatives";

  private final RemovalPlan plan;
  private final int firstRule;
  private final RuleMatcher keeps;

  private PackageStep(RemovalPlan plan, int firstRule, RuleMatcher keeps) {
    this.plan = plan;
    this.firstRule = firstRule;
    this.keeps = keeps;
  }

  /**
   * Plans the removal, or returns null when the rules name no package.
   *
   * @param firstRule the rule number of the first package rule
   * @throws dev.ocisquash.ImageException one line for a bad selector or a refused package
   */
  static @Nullable PackageStep plan(FileTree tree, StripRules rules, int firstRule)
      throws IOException {
    if (rules.removePackages().isEmpty()) {
      return null;
    }
    RemovalPlan p =
        PackageRemoval.plan(
            tree, Installed.read(tree), new RemovalRequest(rules.removePackages(), rules.force()));
    p.check();
    return new PackageStep(p, firstRule, RuleMatcher.compile(rules.keeps()));
  }

  /**
   * The rule names, one per removed package, in its order, then one for the links no package lists.
   */
  List<String> ruleNames() {
    List<String> out = new ArrayList<>();
    for (InstalledPackage p : plan.removed()) {
      out.add("package:" + p.label());
    }
    if (!unlisted().isEmpty()) {
      out.add(ALTERNATIVES_RULE);
    }
    return out;
  }

  /** Every path the plan removes, before the safety checks keep any. */
  Set<String> plannedPaths() {
    return plan.paths();
  }

  /** The plan's paths no removed package lists: dpkg alternatives links and records. */
  private Set<String> unlisted() {
    Set<String> out = new TreeSet<>(plan.paths());
    for (InstalledPackage p : plan.removed()) {
      p.files().forEach(out::remove);
      p.directories().forEach(out::remove);
    }
    return out;
  }

  /** Marks the packages' paths removed (after the glob walk). */
  void apply(StripDecisions d) {
    for (int r = 0; r < plan.removed().size(); r++) {
      InstalledPackage p = plan.removed().get(r);
      for (List<String> paths : List.of(p.files(), p.directories())) {
        for (String path : paths) {
          if (plan.paths().contains(path)) {
            mark(d, path, firstRule + r, null);
          }
        }
      }
    }
    for (String path : unlisted()) {
      mark(d, path, firstRule + plan.removed().size(), null);
    }
    keepHolders(d);
  }

  /**
   * After the safety checks: the settled plan, with the records of the packages removed whole
   * marked removed.
   */
  RemovalPlan settle(StripDecisions d) throws IOException {
    ImageIndex index = d.index();
    RemovalPlan settled =
        PackageRemoval.settle(
            index.tree(),
            plan,
            path -> {
              Integer i = index.indexOf(path);
              if (i == null || d.isRemoved(i)) {
                return null;
              }
              return d.keptCheck(i) == null ? "kept" : d.keptCheck(i) + ": " + d.keptReason(i);
            });
    for (int r = 0; r < settled.removed().size(); r++) {
      for (String path : settled.removed().get(r).databaseFiles()) {
        if (settled.databasePaths().contains(path)) {
          mark(d, path, firstRule + r, "a record of the removed package");
        }
      }
    }
    keepHolders(d);
    return settled;
  }

  private void mark(StripDecisions d, String path, int rule, @Nullable String reason) {
    Integer i = d.index().indexOf(path);
    if (i == null || d.isRemoved(i)) {
      return;
    }
    if (kept(path)) {
      d.keptByGlob(i, rule, "keep", "matches a --keep glob");
    } else if (reason == null) {
      d.remove(i, rule);
    } else {
      d.remove(i, rule, reason);
    }
  }

  /** Whether a {@code --keep} glob matches the path or one of its ancestors. */
  private boolean kept(String path) {
    RuleMatcher.State s = keeps.start();
    // An index path is normalised: no empty component (the root steps once with "").
    for (String c : path.substring(1).split("/", -1)) {
      s = keeps.step(s, c);
      if (keeps.accepts(s).length > 0) {
        return true;
      }
    }
    return false;
  }

  /** A removed directory that holds a kept path stays. */
  private static void keepHolders(StripDecisions d) {
    for (int i = 0; i < d.size(); i++) {
      if (!d.isRemoved(i)) {
        d.keepAncestors(i);
      }
    }
  }
}
