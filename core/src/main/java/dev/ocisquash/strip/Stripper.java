package dev.ocisquash.strip;

import dev.ocisquash.packages.RemovalPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which paths of a flattened image tree to strip. Pure logic over a {@link FileTree}: it
 * reads content only through {@link FileTree#open} (ELF headers, shebang lines, {@code
 * /etc/ld.so.conf}, package {@code __init__.py}). This class only orders the steps; each lives in a
 * class of its own.
 *
 * <p>Order of work: (0) {@code --remove-package} is planned ({@code PackageStep}), so that the
 * facts the presets read leave out what the removed packages take along (a removed compiler keeps
 * no headers); (1) each active preset expands itself against the tree ({@link Preset}; conda roots,
 * compilers, polars runtimes), then each {@code --remove} glob becomes a rule; (2) one walk over
 * the tree, parents first, decides each path from the globs ({@code RuleWalk}); (3) a removed
 * symlink takes along the symlinks of its chain whose final target the same rule removed ({@code
 * SymlinkCheck.followChains}); (4) unless forced, the safety checks run to a fixpoint over one
 * table of decisions ({@code SafetyChecks}): dangling symlinks, shared libraries and interpreters,
 * Python tests directories a package imports; a fixpoint not reached within one round per path is
 * an error, never a silent stop; {@code --remove-package} adds one rule per package before the
 * checks and settles after them ({@code PackageStep}); (5) the report accounts hardlink groups so
 * that a removed name whose partner stays frees no bytes ({@code StripReportBuilder}, {@code
 * HardlinkAccounting}).
 *
 * <p>Symlinks are resolved lexically inside the image, never on the host, with at most 40 hops.
 */
public final class Stripper {
  private Stripper() {}

  /**
   * Plans the strip of a tree.
   *
   * @throws IOException when content needed by a check cannot be read
   * @throws dev.ocisquash.ImageException one line when a {@code --remove-package} selector matches
   *     nothing or a package is refused
   * @throws IllegalArgumentException when a preset needs something the rules lack
   * @throws IllegalStateException when the safety checks reach no fixpoint (a bug: they must)
   */
  public static StripResult plan(FileTree tree, StripRules rules) throws IOException {
    ImageIndex index = new ImageIndex(tree);
    // The packages are planned first: a compiler a removed package takes along keeps no headers.
    PackageStep packages =
        PackageStep.plan(tree, rules, rules.activePresets().size() + rules.removes().size());
    ImageFacts facts = ImageFacts.scan(index);
    if (packages != null) {
      facts = facts.without(packages.plannedPaths());
    }
    List<String> notes = new ArrayList<>();
    List<RuleSpec> specs =
        ruleSpecs(rules, new ExpansionContext(index, facts, rules.cpuLevel(), notes));
    if (specs.size() != rules.activePresets().size() + rules.removes().size()) {
      throw new IllegalStateException("the package rules are not numbered after the others");
    }
    List<String> ruleNames = new ArrayList<>();
    for (RuleSpec s : specs) {
      ruleNames.add(s.name());
    }
    if (packages != null) {
      ruleNames.addAll(packages.ruleNames());
    }
    StripDecisions decisions = new StripDecisions(index, ruleNames);
    RuleWalk.apply(decisions, specs, rules);
    if (packages != null) {
      packages.apply(decisions);
    }
    SymlinkCheck.followChains(decisions);
    if (!rules.force()) {
      SafetyChecks.runToFixpoint(
          decisions, SafetyChecks.standard(index, facts), SafetyChecks.roundLimit(decisions));
    }
    RemovalPlan removal = packages == null ? null : packages.settle(decisions);
    if (removal != null) {
      notes.addAll(removal.warnings());
    }
    return StripReportBuilder.build(decisions, notes, removal);
  }

  /** The rules in priority order: the active presets, then one rule per {@code --remove} glob. */
  private static List<RuleSpec> ruleSpecs(StripRules rules, ExpansionContext context) {
    List<RuleSpec> out = new ArrayList<>();
    for (Preset p : rules.activePresets()) {
      out.add(p.expand(context));
    }
    for (String g : rules.removes()) {
      RuleSpec s = new RuleSpec("remove:" + g);
      s.removes().add(g);
      out.add(s);
    }
    return out;
  }
}
