package dev.ocisquash.report;

import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.squash.FlattenedImage;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.Preset;
import dev.ocisquash.strip.Presets;
import dev.ocisquash.strip.StripReport;
import dev.ocisquash.strip.StripResult;
import dev.ocisquash.strip.StripRules;
import dev.ocisquash.strip.Stripper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The bridge between the analysis and the strip package: plans strip rules on the final tree
 * through {@link ImageFileTree} and {@link Stripper#plan}, changing nothing. Besides the rules
 * given it plans, for every preset that was not given, the rules given plus that preset, so the
 * report can say what each would add.
 */
final class StripSupport {
  /**
   * The CPU level simd-variants is estimated at when no level is given (the one that removes the
   * most).
   */
  static final String ASSUMED_CPU_LEVEL = "x86-64-v2";

  private StripSupport() {}

  /**
   * The plan of the rules given plus one preset that was not given.
   *
   * @param name the preset added ({@code safe} for the umbrella)
   * @param group {@code umbrella} for safe, {@code opt-in} otherwise
   * @param result the plan
   * @param note how the estimate was made when that needs saying, or null
   */
  record Candidate(String name, String group, StripResult result, @Nullable String note) {}

  /** What the strip package says about the final tree. */
  static final class Result {
    /** The estimate for the rules given, or null when none were. */
    final ImageAnalysis.@Nullable StripEstimate estimate;

    /** The plan of the rules given, or null when none were. */
    final @Nullable StripResult base;

    /** Paths (relative, no leading slash) the rules given remove, or null when none were given. */
    final @Nullable Set<String> removed;

    /** One plan per preset not given, in {@link Presets#all()} order, safe first. */
    final List<Candidate> candidates;

    Result(
        ImageAnalysis.@Nullable StripEstimate estimate,
        @Nullable StripResult base,
        @Nullable Set<String> removed,
        List<Candidate> candidates) {
      this.estimate = estimate;
      this.base = base;
      this.removed = removed;
      this.candidates = List.copyOf(candidates);
    }
  }

  /**
   * Plans the rules given, each preset given on its own, and the rules given plus each preset not
   * given.
   *
   * @throws IllegalArgumentException for an unknown preset, a malformed glob or CPU level
   */
  static Result estimate(SourceImage image, FlattenedImage flat, AnalyzeOptions o)
      throws IOException {
    FileTree tree = ImageFileTree.of(image, flat);
    List<String> given = o.presets();
    StripRules rules = rules(o, null, o.cpuLevel());
    List<Candidate> candidates = new ArrayList<>();
    boolean allSafeGiven = true;
    for (Preset p : Presets.all()) {
      allSafeGiven &= p.optIn() || given.contains(p.name());
    }
    if (!given.contains(Presets.SAFE) && !allSafeGiven) {
      candidates.add(
          new Candidate(
              Presets.SAFE, "umbrella", plan(tree, rules(o, Presets.SAFE, o.cpuLevel())), null));
    }
    for (Preset p : Presets.all()) {
      if (!p.optIn() || given.contains(p.name())) {
        continue;
      }
      String level = o.cpuLevel();
      String note = null;
      if (level == null && p.name().equals("simd-variants")) {
        level = ASSUMED_CPU_LEVEL;
        note = "assuming --cpu-level " + ASSUMED_CPU_LEVEL;
      }
      candidates.add(
          new Candidate(p.name(), "opt-in", plan(tree, rules(o, p.name(), level)), note));
    }
    if (rules.isEmpty()) {
      return new Result(null, null, null, candidates);
    }
    StripResult all = plan(tree, rules);
    StripReport rep = all.report();
    List<String> ruleNames = new ArrayList<>(given);
    o.removes().forEach(g -> ruleNames.add("remove:" + g));
    List<ImageAnalysis.RuleSaving> perRule = new ArrayList<>();
    for (Map.Entry<String, StripReport.Totals> t : rep.getRuleTotals().entrySet()) {
      perRule.add(
          new ImageAnalysis.RuleSaving(
              t.getKey(), t.getValue().getBytes(), t.getValue().getEntries()));
    }
    List<ImageAnalysis.RuleSaving> perPreset = new ArrayList<>();
    for (String p : given) {
      StripRules.Builder alone = StripRules.builder().preset(p);
      if (o.cpuLevel() != null) {
        alone.cpuLevel(o.cpuLevel());
      }
      StripReport pr = plan(tree, alone.build()).report();
      perPreset.add(new ImageAnalysis.RuleSaving(p, pr.getBytesRemoved(), pr.getEntriesRemoved()));
    }
    List<ImageAnalysis.KeptPath> kept = new ArrayList<>();
    for (StripReport.Decision d : rep.getDecisions()) {
      if (d.getAction().equals("kept")) {
        kept.add(new ImageAnalysis.KeptPath(d.getPath(), d.getCheck() + ": " + d.getReason()));
      }
    }
    ImageAnalysis.StripEstimate est =
        new ImageAnalysis.StripEstimate(
            ruleNames,
            rep.getBytesRemoved(),
            rep.getEntriesRemoved(),
            perRule,
            perPreset,
            kept,
            rep.getNotes());
    return new Result(est, all, relative(all.removedPaths()), candidates);
  }

  private static StripResult plan(FileTree tree, StripRules rules) throws IOException {
    return Stripper.plan(tree, rules);
  }

  /**
   * The rules given, plus {@code extra} (a preset name) when not null, at CPU level {@code level}.
   */
  private static StripRules rules(
      AnalyzeOptions o, @Nullable String extra, @Nullable String level) {
    StripRules.Builder b = StripRules.builder();
    o.presets().forEach(b::preset);
    if (extra != null) {
      b.preset(extra);
    }
    o.removes().forEach(b::remove);
    o.keeps().forEach(b::keep);
    if (level != null) {
      b.cpuLevel(level);
    }
    return b.build();
  }

  private static Set<String> relative(Set<String> abs) {
    Set<String> out = new HashSet<>(abs.size() * 2);
    for (String p : abs) {
      out.add(p.equals("/") ? "" : p.substring(1));
    }
    return out;
  }
}
