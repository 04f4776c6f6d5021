package dev.ocisquash.report;

import dev.ocisquash.strip.Presets;
import dev.ocisquash.tar.PathNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Renders an {@link ImageAnalysis} as aligned plain-text tables that read well at 100 columns. */
public final class TextReport {
  private static final int WIDTH = 100;

  private TextReport() {}

  /**
   * Renders the report.
   *
   * @param a the analysis
   * @param top how many rows the largest-files, largest-directories and duplicates tables show
   */
  public static String render(ImageAnalysis a, int top) {
    StringBuilder sb = new StringBuilder();
    sb.append("IMAGE  ").append(cutPath(a.source(), WIDTH - 7)).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "  %d layers, %s compressed, %s uncompressed, %d paths in the final tree (%d files)%n",
            a.layers().size(),
            human(a.compressedBytes()),
            human(a.uncompressedBytes()),
            a.finalEntries(),
            a.finalFiles()));
    headline(sb, a);
    presets(sb, a);

    sb.append("\nLAYERS\n");
    String lf = "  %3s %10s %10s %8s %6s %10s %10s  %s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            lf,
            "#",
            "COMPRESSED",
            "TAR",
            "ENTRIES",
            "WHOUTS",
            "CONTENT",
            "WASTED",
            "CREATED BY"));
    int cb = WIDTH - 2 - 3 - 11 - 11 - 9 - 7 - 11 - 11 - 2;
    for (ImageAnalysis.Layer l : a.layers()) {
      sb.append(
          String.format(
              Locale.ROOT,
              lf,
              l.index(),
              human(l.compressedBytes()),
              human(l.uncompressedBytes()),
              l.entries(),
              l.whiteouts(),
              human(l.contentBytes()),
              human(l.wastedBytes()),
              Analyzer.shortCreatedBy(l.createdBy(), cb)));
    }

    sb.append("\nWASTE FROM LAYERING\n");
    String kv = "  %-22s %12s  %s%n";
    sb.append(
        String.format(Locale.ROOT, kv, "content in layers", human(a.layerContentBytes()), ""));
    sb.append(
        String.format(Locale.ROOT, kv, "content in final tree", human(a.finalContentBytes()), ""));
    sb.append(
        String.format(
            Locale.ROOT,
            kv,
            "wasted (hidden)",
            human(a.wastedBytes()),
            "overwritten, whited out or under an opaque directory"));
    sb.append(
        String.format(
            Locale.ROOT,
            kv,
            "squash saves",
            human(a.squashSavingsBytes()),
            "squashing layers "
                + a.from()
                + ".."
                + (a.layers().size() - 1)
                + ", before compression"));
    sb.append(
        String.format(
            Locale.ROOT,
            kv,
            "efficiency",
            String.format(Locale.ROOT, "%.1f %%", a.efficiency() * 100),
            "final content / layer content"));
    sb.append(
        String.format(
            Locale.ROOT,
            kv,
            "tar overhead",
            human(a.tarOverheadBytes()),
            "headers, padding, end markers (not content)"));

    sb.append("\nESTIMATES\n");
    ImageAnalysis.Estimates e = a.estimates();
    sb.append(
        String.format(
            Locale.ROOT, kv, "squashed layer", human(e.squashedTarBytes()), "uncompressed, exact"));
    sb.append(
        String.format(
            Locale.ROOT,
            kv,
            "squashed, compressed",
            "~" + human(e.squashedCompressedBytes()),
            String.format(Locale.ROOT, "estimate, compression ratio %.3f", e.compressionRatio())));
    sb.append("    ratio: ").append(cut(e.compressionMethod(), WIDTH - 11)).append('\n');
    if (e.strippedTarBytes() >= 0) {
      sb.append(
          String.format(
              Locale.ROOT, kv, "squashed + stripped", human(e.strippedTarBytes()), "uncompressed"));
      sb.append(
          String.format(
              Locale.ROOT,
              kv,
              "stripped, compressed",
              "~" + human(e.strippedCompressedBytes()),
              ""));
    }

    sb.append("\nSTRIP\n");
    ImageAnalysis.StripEstimate s = a.strip();
    if (s == null) {
      sb.append("  no strip rules given (try --preset safe)\n");
    } else {
      sb.append(String.format(Locale.ROOT, "  %-40s %12s %10s%n", "RULE", "BYTES", "ENTRIES"));
      for (ImageAnalysis.RuleSaving r : s.perRule()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %-40s %12s %10d%n",
                cut(r.rule(), 40),
                human(r.bytes()),
                r.entries()));
      }
      for (ImageAnalysis.RuleSaving r : s.perPreset()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %-40s %12s %10d%n",
                cut("preset " + r.rule(), 40),
                human(r.bytes()),
                r.entries()));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-40s %12s %10d%n",
              "all rules together",
              human(s.removedBytes()),
              s.removedEntries()));
      if (!s.keptByCheck().isEmpty()) {
        sb.append("  kept by safety checks:\n");
        for (ImageAnalysis.KeptPath k :
            s.keptByCheck().subList(0, Math.min(top, s.keptByCheck().size()))) {
          // The reason names a path too: never cut it; when both do not fit, it goes on a line of
          // its own.
          String path = cutPath(k.path(), 60);
          String sep = 4 + path.length() + 2 + k.reason().length() <= WIDTH ? "  " : "\n      ";
          sb.append("    ").append(path).append(sep).append(k.reason()).append('\n');
        }
      }
      for (String n : s.notes()) {
        sb.append("  note: ").append(n).append('\n'); // whole: a note that is cut says nothing
      }
    }

    if (a.packages() != null) {
      PackageUsageReport.text(sb, a.packages());
    }

    sizedTable(sb, "LARGEST FILES", a.largestFiles(top), true);
    sizedTable(sb, "LARGEST DIRECTORIES", a.largestDirectories(top), false);

    if (a.duplicatesSearched()) {
      sb.append("\nDUPLICATE CONTENT\n");
      List<ImageAnalysis.DuplicateGroup> g = a.duplicates();
      if (g.isEmpty()) {
        sb.append("  no identical files at different paths\n");
      } else {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %d %s %s in total%n",
                g.size(),
                g.size() == 1 ? "group repeats" : "groups repeat",
                human(a.duplicateBytes())));
        sb.append(
            String.format(
                Locale.ROOT, "  %10s %6s %10s  %s%n", "REPEATED", "COPIES", "SIZE", "PATHS"));
        for (ImageAnalysis.DuplicateGroup d : g.subList(0, Math.min(top, g.size()))) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "  %10s %6d %10s  %s%n",
                  human(d.repeatedBytes()),
                  d.paths().size(),
                  human(d.size()),
                  cutPath("/" + d.paths().get(0), 68)));
          for (String p : d.paths().subList(1, Math.min(4, d.paths().size()))) {
            sb.append(String.format(Locale.ROOT, "  %30s%s%n", "", cutPath("/" + p, 68)));
          }
          if (d.paths().size() > 4) {
            sb.append(String.format(Locale.ROOT, "  %30s(+%d more)%n", "", d.paths().size() - 4));
          }
        }
      }
    }
    return PathNames.display(sb.toString());
  }

  private static void sizedTable(
      StringBuilder sb, String title, List<ImageAnalysis.SizedPath> rows, boolean files) {
    sb.append('\n').append(title).append('\n');
    if (rows.isEmpty()) {
      sb.append("  none\n");
      return;
    }
    sb.append(
        String.format(Locale.ROOT, "  %10s %8s  %s%n", "SIZE", files ? "LAYER" : "FILES", "PATH"));
    List<String> paths = cutPaths(rows.stream().map(p -> "/" + p.path()).toList(), WIDTH - 24);
    for (int i = 0; i < rows.size(); i++) {
      ImageAnalysis.SizedPath p = rows.get(i);
      sb.append(
          String.format(
              Locale.ROOT,
              "  %10s %8d  %s%n",
              human(p.bytes()),
              files ? p.layer() : p.files(),
              paths.get(i)));
    }
  }

  /**
   * The headline: what is eating the space, one row per source of bulk, largest first, as
   * image-slimming pull requests show it. Columns are as wide as their content, within {@link
   * #WIDTH}.
   */
  private static void headline(StringBuilder sb, ImageAnalysis a) {
    sb.append("\nWHAT'S EATING THE SPACE");
    List<ImageAnalysis.BulkItem> rows = a.knownBulk();
    if (rows.isEmpty()) {
      sb.append("\n  no known bulk found\n");
      return;
    }
    sb.append(
        a.strip() == null
            ? "  (no strip rules given: presets show what each would remove)\n"
            : "  (* = removed by the rules given)\n");
    int src = 6;
    int what = 10;
    for (ImageAnalysis.BulkItem b : rows) {
      src = Math.max(src, b.source().length());
      what = Math.max(what, b.description().length());
    }
    src = Math.min(src, 34);
    what = Math.min(what, 26);
    int by = WIDTH - 2 - src - 1 - 10 - 2 - what - 2;
    String f = "%s %-" + src + "s %10s  %-" + what + "s  %s";
    sb.append(
            String.format(
                Locale.ROOT, f, " ", "SOURCE", "SIZE", "WHAT IT IS", "PRESET (OR KEEP: WHY)"))
        .append('\n');
    for (ImageAnalysis.BulkItem b : rows) {
      // Words wrap within their column rather than being cut, so a reason is always readable in
      // full.
      List<String> whatLines = wrap(b.description(), what);
      List<String> byLines = wrap(presetColumn(b), by);
      for (int i = 0; i < Math.max(whatLines.size(), byLines.size()); i++) {
        boolean first = i == 0;
        sb.append(
                String.format(
                        Locale.ROOT,
                        f,
                        first && b.selected() ? "*" : " ",
                        first ? cutPath(b.source(), src) : "",
                        first ? human(b.bytes()) : "",
                        i < whatLines.size() ? whatLines.get(i) : "",
                        i < byLines.size() ? byLines.get(i) : "")
                    .stripTrailing())
            .append('\n');
      }
    }
    if (a.strip() != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  the rules given remove %s; squashed + stripped %s, ~%s compressed%n",
              human(a.strip().removedBytes()),
              human(a.estimates().strippedTarBytes()),
              human(a.estimates().strippedCompressedBytes())));
    }
  }

  /** Splits text into lines of at most {@code width} characters at blanks; a longer word is cut. */
  static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    String[] words = text.split(" ", -1);
    int n = words.length;
    while (n > 0 && words[n - 1].isEmpty()) {
      n--; // trailing blanks make no words; inner runs of blanks are kept
    }
    for (int i = 0; i < n; i++) {
      String w = words[i];
      if (line.length() > 0 && line.length() + 1 + w.length() > width) {
        out.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(w);
    }
    out.add(line.toString());
    out.replaceAll(l -> cut(l, width));
    return out;
  }

  /** The last headline column: the preset that removes a row, or "keep: why", or "no preset". */
  static String presetColumn(ImageAnalysis.BulkItem b) {
    if (!b.action().equals(ImageAnalysis.REMOVE)) {
      return Objects.requireNonNull(b.why(), "a keep or no-preset row says why");
    }
    String preset = Objects.requireNonNull(b.preset(), "a removal row names its rule");
    String g = BulkRows.groupOf(preset);
    return preset + (g.equals("opt-in") ? " (opt-in)" : "");
  }

  /** Every preset with its estimate: the ones given, then what each other one would add. */
  private static void presets(StringBuilder sb, ImageAnalysis a) {
    if (a.presetEstimates().isEmpty()) {
      return;
    }
    sb.append(
        "\nPRESETS  (given: what each removes; others: what adding it to the rules given removes)\n");
    String f = "  %-26s %-8s %12s %9s  %s";
    sb.append(
            String.format(Locale.ROOT, f, "PRESET", "GROUP", "BYTES", "ENTRIES", "")
                .stripTrailing())
        .append('\n');
    for (ImageAnalysis.PresetEstimate p : a.presetEstimates()) {
      String name =
          p.group().equals(Presets.SAFE) && !p.selected() ? "  " + p.preset() : p.preset();
      String size = (p.selected() ? "" : "+") + human(p.bytes());
      String note = p.selected() ? "given" : "--preset " + p.preset();
      if (p.note() != null) {
        note += ", " + p.note();
      }
      List<String> lines = wrap(note, 38);
      sb.append(
              String.format(
                  Locale.ROOT, f, cut(name, 26), p.group(), size, p.entries(), lines.get(0)))
          .append('\n');
      for (String l : lines.subList(1, lines.size())) {
        sb.append(String.format(Locale.ROOT, f, "", "", "", "", l)).append('\n');
      }
    }
  }

  /** Shortens {@code s} to {@code max} characters, keeping the start. */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return s.substring(0, Math.max(0, max - 1)) + "…";
  }

  /**
   * Shortens a path to {@code max} characters by cutting its middle, so the top directories and the
   * file name both stay.
   */
  static String cutPath(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int tail = (max - 1) / 2 + (max - 1) % 2;
    int head = max - 1 - tail;
    return s.substring(0, head) + "…" + s.substring(s.length() - tail);
  }

  /**
   * {@link #cutPath} for a column of paths: a path whose shortened form would collide with
   * another's is shown in full, so distinct paths always read as distinct.
   */
  static List<String> cutPaths(List<String> paths, int max) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      String c = cutPath(p, max);
      seen.merge(c, 1, Integer::sum);
      out.add(c);
    }
    for (int i = 0; i < out.size(); i++) {
      if (seen.getOrDefault(out.get(i), 0) > 1) {
        out.set(i, paths.get(i));
      }
    }
    return out;
  }

  /** A human size with binary units: {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 GiB}. */
  public static String human(long bytes) {
    if (bytes < 1024 && bytes > -1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = -1;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
