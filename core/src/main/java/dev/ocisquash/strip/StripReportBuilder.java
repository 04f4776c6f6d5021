package dev.ocisquash.strip;

import dev.ocisquash.packages.InstalledPackage;
import dev.ocisquash.packages.RemovalPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns the final decisions into a {@link StripResult}: the removed paths, the removed roots (a
 * removed path whose parent stays), and the report with one decision per matched path, totals per
 * rule and per check, and the notes.
 */
final class StripReportBuilder {
  private StripReportBuilder() {}

  /** Builds the result of {@code d}, with the presets' {@code notes}. */
  static StripResult build(StripDecisions d, List<String> notes, @Nullable RemovalPlan packages) {
    LinkedHashMap<String, StripReport.Totals> checkTotals = new LinkedHashMap<>();
    HardlinkAccounting hardlinks = new HardlinkAccounting(d, checkTotals);
    LinkedHashMap<String, StripReport.Totals> ruleTotals = new LinkedHashMap<>();
    for (String r : d.ruleNames()) {
      ruleTotals.put(r, new StripReport.Totals());
    }
    List<StripReport.Decision> decisions = new ArrayList<>();
    Set<String> removed = new LinkedHashSet<>();
    Set<String> roots = new LinkedHashSet<>();
    ImageIndex index = d.index();
    for (int i = 0; i < d.size(); i++) {
      TreeNode n = d.node(i);
      String type = n.type().name().toLowerCase(Locale.ROOT);
      if (d.isRemoved(i)) {
        String rule = d.ruleNames().get(d.rule(i));
        String reason = d.removeReason(i) != null ? d.removeReason(i) : hardlinks.note(i);
        long bytes = hardlinks.freed(i);
        decisions.add(
            new StripReport.Decision(n.path(), "removed", type, bytes, rule, null, reason));
        Objects.requireNonNull(ruleTotals.get(rule), rule).add(bytes);
        removed.add(n.path());
        String parent = TreePaths.parentOf(n.path());
        Integer pi = parent == null ? null : index.indexOf(parent);
        if (pi == null || !d.isRemoved(pi)) {
          roots.add(n.path());
        }
      } else if (d.matchedRule(i) >= 0) {
        String check = d.keptCheck(i);
        decisions.add(
            new StripReport.Decision(
                n.path(),
                "kept",
                type,
                n.size(),
                d.ruleNames().get(d.matchedRule(i)),
                check,
                d.keptReason(i)));
        checkTotals
            .computeIfAbsent(check, k -> new StripReport.Totals())
            .add(n.isRegular() ? n.size() : 0);
      }
    }
    List<String> packagesRemoved = new ArrayList<>();
    if (packages != null) {
      for (InstalledPackage p : packages.removed()) {
        if (packages.databasePaths().containsAll(p.databaseFiles())) {
          packagesRemoved.add(p.label() + (p.version().isEmpty() ? "" : " " + p.version()));
        }
      }
    }
    StripReport report =
        new StripReport(
            decisions,
            ruleTotals,
            checkTotals,
            new ArrayList<>(notes),
            packagesRemoved,
            packages == null ? List.of() : new ArrayList<>(packages.rewrites().keySet()));
    return new StripResult(removed, roots, report, packages);
  }
}
