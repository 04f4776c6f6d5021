package dev.ocisquash.report;

import dev.ocisquash.squash.FlattenedImage;
import dev.ocisquash.strip.Preset;
import dev.ocisquash.strip.Presets;
import dev.ocisquash.strip.RuleMatcher;
import dev.ocisquash.strip.StripReport;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds the "what is eating the space" rows from the strip plans, so that they cannot drift from
 * what the presets remove: every byte a plan removes goes to one row of the rule that removed it,
 * split by the preset glob that matched. Rows of the rules given come from their plan; rows of a
 * preset not given hold what its plan (the rules given plus that preset) removes beyond the rules
 * given. Then come the bulk a preset keeps on purpose (license files, paths a safety check needs, a
 * preset skipped because a compiler stays) and, last, known bulk that no preset handles ({@link
 * KnownBulk}). Each final file belongs to at most one row.
 */
final class BulkRows {
  /** How many of a row's places are listed. */
  static final int MAX_PATHS = 5;

  /**
   * The rows, largest first, with the row of each final-tree entry (-1 for none) and every preset's
   * estimate.
   *
   * @param rows the rows
   * @param rowOf for each final-tree entry, its row index, or -1
   * @param presets the estimate of every preset given and not given
   */
  @SuppressWarnings("ArrayRecordComponent") // a computed table; never compared
  record Built(
      List<ImageAnalysis.BulkItem> rows, int[] rowOf, List<ImageAnalysis.PresetEstimate> presets) {}

  /** One row while it is being summed. */
  private static final class Acc {
    final int index;
    final String action;
    final @Nullable String preset;
    final boolean selected;
    final @Nullable String why;
    final String description;

    /** The glob that matched, or null. */
    final @Nullable String glob;

    /** Whether {@link #paths} are already the places to show (not paths to roll up into roots). */
    final boolean rooted;

    final Map<String, long[]> paths = new HashMap<>();
    long bytes;
    long files;

    Acc(
        int index,
        String action,
        @Nullable String preset,
        boolean selected,
        @Nullable String why,
        String description,
        @Nullable String glob,
        boolean rooted) {
      this.index = index;
      this.action = action;
      this.preset = preset;
      this.selected = selected;
      this.why = why;
      this.description = description;
      this.glob = glob;
      this.rooted = rooted;
    }

    void add(String path, long b, long f) {
      long[] p = paths.computeIfAbsent(path, k -> new long[2]);
      p[0] += b;
      p[1] += f;
      bytes += b;
      files += f;
    }
  }

  private final List<FlattenedImage.Entry> tree;
  private final Map<String, Integer> indexOf = new HashMap<>();
  private final int[] owner;
  private final List<Acc> accs = new ArrayList<>();
  private final Map<String, Acc> byKey = new HashMap<>();
  private final PresetGlobs globs;

  private BulkRows(List<FlattenedImage.Entry> tree) {
    this.tree = tree;
    this.owner = new int[tree.size()];
    this.globs = new PresetGlobs(tree);
    java.util.Arrays.fill(owner, -1);
    for (int i = 0; i < tree.size(); i++) {
      indexOf.put(tree.get(i).path(), i); // relative: the entries' own strings, no copy per path
    }
  }

  /** Builds the rows for a final tree and its strip plans. */
  static Built build(List<FlattenedImage.Entry> tree, StripSupport.Result strip) {
    return new BulkRows(tree).run(strip);
  }

  private Built run(StripSupport.Result strip) {
    List<ImageAnalysis.PresetEstimate> presets = new ArrayList<>();
    Map<String, Long> baseBytes = new HashMap<>();
    if (strip.base != null) {
      for (StripReport.Decision d : strip.base.report().getDecisions()) {
        if (d.getAction().equals("removed")) {
          baseBytes.put(d.getPath(), d.getSizeBytes());
          removal(d.getRule(), d, true, d.getSizeBytes(), regular(d) ? 1 : 0);
        }
      }
      for (ImageAnalysis.RuleSaving r :
          Objects.requireNonNull(strip.estimate, "estimate with base").perRule()) {
        presets.add(
            new ImageAnalysis.PresetEstimate(
                r.rule(),
                groupOf(r.rule()),
                true,
                r.bytes(),
                r.entries(),
                noteOf(strip.base.report(), r.rule(), null)));
      }
    }
    for (StripSupport.Candidate c : strip.candidates) {
      presets.addAll(candidate(c, baseBytes));
    }
    List<StripReport> reports = new ArrayList<>();
    List<StripSupport.Candidate> owners = new ArrayList<>();
    if (strip.base != null) {
      reports.add(strip.base.report());
      owners.add(null);
    }
    for (StripSupport.Candidate c : strip.candidates) {
      reports.add(c.result().report());
      owners.add(c);
    }
    for (int r = 0; r < reports.size(); r++) {
      for (StripReport.Decision d : reports.get(r).getDecisions()) {
        if (!d.getAction().equals("kept")) {
          continue;
        }
        String check = Objects.requireNonNull(d.getCheck(), "a kept path names its check");
        if (!check.equals("contains-kept")) {
          kept(owners.get(r) == null ? d.getRule() : ownerOf(owners.get(r), d.getRule()), d, check);
        }
      }
    }
    Set<String> notes = new LinkedHashSet<>();
    reports.forEach(rep -> notes.addAll(rep.getNotes()));
    for (String n : notes) {
      skipped(n);
    }
    unhandled();
    return finish(presets);
  }

  /**
   * What a plan of the rules given plus one preset removes beyond the rules given; returns its
   * estimates.
   */
  private List<ImageAnalysis.PresetEstimate> candidate(
      StripSupport.Candidate c, Map<String, Long> baseBytes) {
    Map<String, long[]> totals = new LinkedHashMap<>();
    if (c.group().equals("umbrella")) {
      for (Preset p : Presets.all()) {
        if (Presets.SAFE.equals(p.group())) {
          totals.put(p.name(), new long[2]);
        }
      }
    } else {
      totals.put(c.name(), new long[2]);
    }
    Set<String> seen = new HashSet<>();
    for (StripReport.Decision d : c.result().report().getDecisions()) {
      if (!d.getAction().equals("removed")) {
        continue;
      }
      seen.add(d.getPath());
      Long before = baseBytes.get(d.getPath());
      long delta = d.getSizeBytes() - (before == null ? 0 : before);
      if (before != null && delta == 0) {
        continue;
      }
      String preset = ownerOf(c, d.getRule());
      long[] t = totals.computeIfAbsent(preset, k -> new long[2]);
      t[0] += delta;
      t[1] += before == null ? 1 : 0;
      removal(preset, d, false, delta, before == null && regular(d) ? 1 : 0);
    }
    for (Map.Entry<String, Long> b : baseBytes.entrySet()) {
      if (!seen.contains(b.getKey())) {
        // A path the rules given remove that the wider plan keeps: its bytes come back, against
        // this preset.
        long[] t =
            totals.get(c.name()) != null ? totals.get(c.name()) : totals.values().iterator().next();
        t[0] -= b.getValue();
        t[1]--;
      }
    }
    List<ImageAnalysis.PresetEstimate> out = new ArrayList<>();
    if (c.group().equals("umbrella")) {
      long bytes = 0;
      long entries = 0;
      for (long[] t : totals.values()) {
        bytes += t[0];
        entries += t[1];
      }
      out.add(
          new ImageAnalysis.PresetEstimate(c.name(), "umbrella", false, bytes, entries, c.note()));
      for (Map.Entry<String, long[]> t : totals.entrySet()) {
        out.add(
            new ImageAnalysis.PresetEstimate(
                t.getKey(),
                groupOf(t.getKey()),
                false,
                t.getValue()[0],
                t.getValue()[1],
                noteOf(c.result().report(), t.getKey(), null)));
      }
    } else {
      long[] t = Objects.requireNonNull(totals.get(c.name()), "totals of the preset added");
      out.add(
          new ImageAnalysis.PresetEstimate(
              c.name(),
              c.group(),
              false,
              t[0],
              t[1],
              noteOf(c.result().report(), c.name(), c.note())));
    }
    return out;
  }

  /**
   * The strip engine's notes about one preset ("headers: kept, ..."), after {@code first}; null
   * when none.
   */
  private static @Nullable String noteOf(
      StripReport report, String preset, @Nullable String first) {
    List<String> parts = new ArrayList<>();
    if (first != null) {
      parts.add(first);
    }
    for (String n : report.getNotes()) {
      if (n.startsWith(preset + ": ")) {
        parts.add(n.substring(preset.length() + 2));
      }
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /**
   * The preset a decision of a candidate plan is shown under: a member of safe, or the preset
   * added.
   */
  private static String ownerOf(StripSupport.Candidate c, String rule) {
    if (c.group().equals("umbrella")) {
      Preset p = Presets.byName(rule);
      if (p != null && Presets.SAFE.equals(p.group())) {
        return rule;
      }
    }
    return c.name();
  }

  static String groupOf(String rule) {
    if (rule.startsWith("remove:")) {
      return "remove";
    }
    Preset p = Presets.byName(rule);
    return p != null && p.optIn() ? "opt-in" : Presets.SAFE;
  }

  private static boolean regular(StripReport.Decision d) {
    return d.getType().equals("regular");
  }

  private void removal(
      String preset, StripReport.Decision d, boolean selected, long bytes, long files) {
    PresetGlobs.Match m = globs.match(preset, d.getPath());
    String glob = m == null ? null : m.glob();
    String desc = glob == null ? null : KnownBulk.describeGlob(glob);
    if (desc == null) {
      desc = preset.startsWith("remove:") ? "--remove glob" : "what preset " + preset + " removes";
    }
    // A row's places are where its glob matched (/usr/share/doc), not each removed path below.
    Acc a = acc(ImageAnalysis.REMOVE, preset, selected, null, desc, glob, m != null);
    a.add(m == null ? d.getPath() : m.place(), bytes, files);
    claim(d.getPath(), a);
  }

  private void kept(String preset, StripReport.Decision d, String check) {
    Integer i = indexOf.get(d.getPath().substring(1));
    if (i == null || owner[i] >= 0 || !counted(tree.get(i))) {
      return;
    }
    String why;
    String desc;
    switch (check) {
      case "license":
        why = "keep: license files, " + preset + " keeps them";
        desc = "license files";
        break;
      case "keep":
        why = "keep: matches --keep";
        desc = "paths matching --keep";
        break;
      default:
        why = "keep: still needed (" + check + " check)";
        PresetGlobs.Match m = globs.match(preset, d.getPath());
        String g = m == null ? null : KnownBulk.describeGlob(m.glob());
        desc = g == null ? "needed by what stays" : g + " needed by what stays";
    }
    Acc a = acc(ImageAnalysis.KEEP, preset, false, why, desc, null, false);
    a.add(d.getPath(), tree.get(i).size(), 1);
    claim(d.getPath(), a);
  }

  /**
   * A note such as "headers: kept, a C/C++ compiler stays in the image: /usr/bin/gcc" becomes a
   * keep row.
   */
  private void skipped(String note) {
    int k = note.indexOf(": kept");
    Preset p = k > 0 ? Presets.byName(note.substring(0, k)) : null;
    if (p == null) {
      return;
    }
    String reason = note.substring(k + ": kept".length()).replaceFirst("^[,: ]+", "");
    int list = reason.lastIndexOf(": ");
    if (list > 0) {
      reason = reason.substring(0, list);
    }
    RuleMatcher m = globs.compile(p);
    if (m == null) {
      return;
    }
    String why = "keep: " + reason + " (" + p.name() + ")";
    for (int i = 0; i < tree.size(); i++) {
      FlattenedImage.Entry e = tree.get(i);
      if (owner[i] < 0 && counted(e)) {
        String path = "/" + e.path();
        BitSet b = m.matchAll(path);
        if (b.get(0) && !b.get(1)) {
          PresetGlobs.Match g = globs.match(p.name(), path);
          String desc = g == null ? null : KnownBulk.describeGlob(g.glob());
          Acc a =
              acc(
                  ImageAnalysis.KEEP,
                  p.name(),
                  false,
                  why,
                  desc == null ? p.name() : desc,
                  g == null ? null : g.glob(),
                  true);
          a.add(PresetGlobs.place(m, path, 0), e.size(), 1);
          owner[i] = a.index;
        }
      }
    }
  }

  /** Known bulk no preset removes or keeps. */
  private void unhandled() {
    KnownBulk kb = new KnownBulk(tree);
    for (int i = 0; i < tree.size(); i++) {
      FlattenedImage.Entry e = tree.get(i);
      if (owner[i] >= 0 || !counted(e)) {
        continue;
      }
      String cat = kb.categoryOf(e.path());
      if (cat != null) {
        Acc a =
            acc(ImageAnalysis.NONE, null, false, "no preset", KnownBulk.describe(cat), cat, true);
        a.add("/" + kb.matchRoot(e.path(), cat), e.size(), 1);
        owner[i] = a.index;
      }
    }
  }

  private static boolean counted(FlattenedImage.Entry e) {
    return e.isRegular() && e.firstOfInode() && e.size() > 0;
  }

  private Acc acc(
      String action,
      @Nullable String preset,
      boolean selected,
      @Nullable String why,
      String desc,
      @Nullable String glob,
      boolean rooted) {
    String key = action + '\0' + preset + '\0' + selected + '\0' + why + '\0' + desc + '\0' + glob;
    return byKey.computeIfAbsent(
        key,
        k -> {
          Acc a = new Acc(accs.size(), action, preset, selected, why, desc, glob, rooted);
          accs.add(a);
          return a;
        });
  }

  private void claim(String path, Acc a) {
    Integer i = indexOf.get(path.substring(1));
    if (i != null && owner[i] < 0) {
      owner[i] = a.index;
    }
  }

  private Built finish(List<ImageAnalysis.PresetEstimate> presets) {
    List<ImageAnalysis.BulkItem> rows = new ArrayList<>();
    List<Integer> from = new ArrayList<>();
    for (int k = 0; k < accs.size(); k++) {
      Acc a = accs.get(k);
      if (a.bytes == 0) {
        continue;
      }
      List<ImageAnalysis.SizedPath> places = places(a);
      rows.add(
          new ImageAnalysis.BulkItem(
              source(a, places),
              a.bytes,
              a.files,
              a.description,
              a.action,
              a.preset,
              a.selected,
              a.why,
              List.copyOf(places.subList(0, Math.min(MAX_PATHS, places.size())))));
      from.add(k);
    }
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        Comparator.comparingLong((Integer i) -> -rows.get(i).bytes())
            .thenComparing(i -> rows.get(i).source()));
    int[] rowOfAcc = new int[accs.size()];
    java.util.Arrays.fill(rowOfAcc, -1);
    List<ImageAnalysis.BulkItem> sorted = new ArrayList<>();
    for (int r = 0; r < order.length; r++) {
      sorted.add(rows.get(order[r]));
      rowOfAcc[from.get(order[r])] = r;
    }
    int[] rowOf = new int[owner.length];
    for (int i = 0; i < owner.length; i++) {
      rowOf[i] = owner[i] < 0 ? -1 : rowOfAcc[owner[i]];
    }
    return new Built(sorted, rowOf, presets);
  }

  /**
   * The places of a row, largest first: its paths rolled up to the highest ancestor in the same
   * row.
   */
  private static List<ImageAnalysis.SizedPath> places(Acc a) {
    Map<String, long[]> roots = new HashMap<>();
    for (Map.Entry<String, long[]> p : a.paths.entrySet()) {
      String root = p.getKey();
      if (!a.rooted) {
        for (String up = parent(root); up != null && a.paths.containsKey(up); up = parent(up)) {
          root = up;
        }
      }
      long[] r = roots.computeIfAbsent(root, k -> new long[2]);
      r[0] += p.getValue()[0];
      r[1] += p.getValue()[1];
    }
    List<ImageAnalysis.SizedPath> out = new ArrayList<>();
    for (Map.Entry<String, long[]> r : roots.entrySet()) {
      String rel = r.getKey().startsWith("/") ? r.getKey().substring(1) : r.getKey();
      out.add(new ImageAnalysis.SizedPath(rel, r.getValue()[0], r.getValue()[1], -1));
    }
    out.sort(
        Comparator.comparingLong(ImageAnalysis.SizedPath::bytes)
            .reversed()
            .thenComparing(ImageAnalysis.SizedPath::path));
    return out;
  }

  private static @Nullable String parent(String abs) {
    int i = abs.lastIndexOf('/');
    return i <= 0 ? null : abs.substring(0, i);
  }

  /**
   * One place as a path; a glob for a removal spread over places; else the common directory of the
   * places.
   */
  private static String source(Acc a, List<ImageAnalysis.SizedPath> places) {
    if (places.size() == 1) {
      return "/" + places.get(0).path();
    }
    if (a.glob != null && !a.action.equals(ImageAnalysis.NONE)) {
      return a.glob.startsWith("**") ? a.glob + " (" + places.size() + " places)" : a.glob;
    }
    String common = null;
    for (ImageAnalysis.SizedPath p : places) {
      String dir = p.path().contains("/") ? p.path().substring(0, p.path().lastIndexOf('/')) : "";
      if (common == null) {
        common = dir;
      }
      while (!common.isEmpty() && !(dir.equals(common) || dir.startsWith(common + "/"))) {
        common = common.contains("/") ? common.substring(0, common.lastIndexOf('/')) : "";
      }
    }
    String base =
        common == null || common.isEmpty() ? "/" + places.get(0).path() : "/" + common + "/…";
    return base + " (" + places.size() + (a.rooted ? " places)" : " files)");
  }
}
