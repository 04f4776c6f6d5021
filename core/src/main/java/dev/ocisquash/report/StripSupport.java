package dev.ocisquash.report;

import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.squash.FlattenedImage;
import dev.ocisquash.strip.Preset;
import dev.ocisquash.strip.Presets;
import dev.ocisquash.strip.StripReport;
import dev.ocisquash.strip.StripResult;
import dev.ocisquash.strip.StripRules;
import dev.ocisquash.strip.Stripper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bridge between the analysis and the strip package: plans strip rules on the final tree through {@link
 * ImageFileTree} and {@link Stripper#plan}, changing nothing.
 */
final class StripSupport {
  private StripSupport() {}

  /** What the strip package says about the final tree. */
  static final class Result {
    /** The estimate for the rules asked for, or null when none were. */
    final ImageAnalysis.StripEstimate estimate;
    /** For every preset, the paths (relative, no leading slash) it removes on its own; for "handled by". */
    final Map<String, Set<String>> removedByPreset;
    /** Paths the requested rules remove together, or null when none were asked for. */
    final Set<String> removed;

    Result(ImageAnalysis.StripEstimate estimate, Map<String, Set<String>> removedByPreset, Set<String> removed) {
      this.estimate = estimate;
      this.removedByPreset = removedByPreset;
      this.removed = removed;
    }
  }

  /**
   * Plans stripping on the final tree: each preset on its own, then the requested rules together.
   *
   * @throws IllegalArgumentException for an unknown preset or malformed glob
   */
  static Result estimate(
      SourceImage image, FlattenedImage flat, List<String> presets, List<String> removes, List<String> keeps)
      throws IOException {
    ImageFileTree tree = new ImageFileTree(image, flat);
    Map<String, Set<String>> byPreset = new LinkedHashMap<>();
    Map<String, StripReport> presetReports = new LinkedHashMap<>();
    for (Preset p : Presets.all()) {
      StripResult r;
      try {
        r = Stripper.plan(tree, StripRules.builder().preset(p.name()).build());
      } catch (IllegalArgumentException e) {
        continue; // a preset that needs more options (e.g. a CPU level) on its own
      }
      byPreset.put(p.name(), relative(r.removedPaths()));
      presetReports.put(p.name(), r.report());
    }
    if (presets.isEmpty() && removes.isEmpty()) {
      return new Result(null, byPreset, null);
    }
    StripRules.Builder b = StripRules.builder();
    presets.forEach(b::preset);
    removes.forEach(b::remove);
    keeps.forEach(b::keep);
    StripResult all = Stripper.plan(tree, b.build());
    StripReport rep = all.report();
    List<String> rules = new ArrayList<>(presets);
    removes.forEach(g -> rules.add("remove:" + g));
    List<ImageAnalysis.RuleSaving> perRule = new ArrayList<>();
    for (Map.Entry<String, StripReport.Totals> t : rep.getRuleTotals().entrySet()) {
      perRule.add(new ImageAnalysis.RuleSaving(t.getKey(), t.getValue().getBytes(), t.getValue().getEntries()));
    }
    List<ImageAnalysis.RuleSaving> perPreset = new ArrayList<>();
    for (String p : presets) {
      StripReport pr = presetReports.get(p);
      if (pr == null && Presets.byName(p) == null) {
        pr = Stripper.plan(tree, StripRules.builder().preset(p).build()).report(); // "safe"
      }
      if (pr != null) {
        perPreset.add(new ImageAnalysis.RuleSaving(p, pr.getBytesRemoved(), pr.getEntriesRemoved()));
      }
    }
    List<ImageAnalysis.KeptPath> kept = new ArrayList<>();
    for (StripReport.Decision d : rep.getDecisions()) {
      if (d.getAction().equals("kept")) {
        kept.add(new ImageAnalysis.KeptPath(d.getPath(), d.getCheck() + ": " + d.getReason()));
      }
    }
    ImageAnalysis.StripEstimate est =
        new ImageAnalysis.StripEstimate(
            rules, rep.getBytesRemoved(), rep.getEntriesRemoved(), perRule, perPreset, kept);
    return new Result(est, byPreset, relative(all.removedPaths()));
  }

  private static Set<String> relative(Set<String> abs) {
    Set<String> out = new HashSet<>(abs.size() * 2);
    for (String p : abs) {
      out.add(p.equals("/") ? "" : p.substring(1));
    }
    return out;
  }
}
