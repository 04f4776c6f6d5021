package dev.ocisquash.report;

import java.util.List;
import java.util.Locale;

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
    sb.append("IMAGE  ").append(cut(a.source(), WIDTH - 7)).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "  %d layers, %s compressed, %s uncompressed, %d paths in the final tree (%d files)%n",
            a.layers().size(),
            human(a.compressedBytes()),
            human(a.uncompressedBytes()),
            a.finalEntries(),
            a.finalFiles()));

    sb.append("\nLAYERS\n");
    String lf = "  %3s %10s %10s %8s %6s %10s %10s  %s%n";
    sb.append(String.format(Locale.ROOT, lf, "#", "COMPRESSED", "TAR", "ENTRIES", "WHOUTS", "CONTENT", "WASTED",
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
    sb.append(String.format(Locale.ROOT, kv, "content in layers", human(a.layerContentBytes()), ""));
    sb.append(String.format(Locale.ROOT, kv, "content in final tree", human(a.finalContentBytes()), ""));
    sb.append(String.format(Locale.ROOT, kv, "wasted (hidden)", human(a.wastedBytes()),
        "overwritten, whited out or under an opaque directory"));
    sb.append(String.format(Locale.ROOT, kv, "squash saves", human(a.squashSavingsBytes()),
        "squashing layers " + a.from() + ".." + (a.layers().size() - 1) + ", before compression"));
    sb.append(String.format(Locale.ROOT, kv, "efficiency",
        String.format(Locale.ROOT, "%.1f %%", a.efficiency() * 100), "final content / layer content"));
    sb.append(String.format(Locale.ROOT, kv, "tar overhead", human(a.tarOverheadBytes()),
        "headers, padding, end markers (not content)"));

    sb.append("\nESTIMATES\n");
    ImageAnalysis.Estimates e = a.estimates();
    sb.append(String.format(Locale.ROOT, kv, "squashed layer", human(e.squashedTarBytes()), "uncompressed, exact"));
    sb.append(String.format(Locale.ROOT, kv, "squashed, compressed", "~" + human(e.squashedCompressedBytes()),
        String.format(Locale.ROOT, "estimate, compression ratio %.3f", e.compressionRatio())));
    sb.append("    ratio: ").append(cut(e.compressionMethod(), WIDTH - 11)).append('\n');
    if (e.strippedTarBytes() >= 0) {
      sb.append(String.format(Locale.ROOT, kv, "squashed + stripped", human(e.strippedTarBytes()), "uncompressed"));
      sb.append(String.format(Locale.ROOT, kv, "stripped, compressed", "~" + human(e.strippedCompressedBytes()), ""));
    }

    sb.append("\nSTRIP\n");
    ImageAnalysis.StripEstimate s = a.strip();
    if (s == null) {
      sb.append("  no strip rules given (try --preset safe)\n");
    } else {
      sb.append(String.format(Locale.ROOT, "  %-40s %12s %10s%n", "RULE", "BYTES", "ENTRIES"));
      for (ImageAnalysis.RuleSaving r : s.perRule()) {
        sb.append(String.format(Locale.ROOT, "  %-40s %12s %10d%n", cut(r.rule(), 40), human(r.bytes()),
            r.entries()));
      }
      for (ImageAnalysis.RuleSaving r : s.perPreset()) {
        sb.append(String.format(Locale.ROOT, "  %-40s %12s %10d%n", cut("preset " + r.rule(), 40),
            human(r.bytes()), r.entries()));
      }
      sb.append(String.format(Locale.ROOT, "  %-40s %12s %10d%n", "all rules together", human(s.removedBytes()),
          s.removedEntries()));
      if (!s.keptByCheck().isEmpty()) {
        sb.append("  kept by safety checks:\n");
        for (ImageAnalysis.KeptPath k : s.keptByCheck().subList(0, Math.min(top, s.keptByCheck().size()))) {
          sb.append("    ").append(cut(k.path(), 60)).append("  ").append(cut(k.reason(), 34)).append('\n');
        }
      }
    }

    sb.append("\nKNOWN BULK\n");
    if (a.knownBulk().isEmpty()) {
      sb.append("  none found\n");
    } else {
      sb.append(String.format(Locale.ROOT, "  %-44s %10s %8s  %s%n", "WHAT", "SIZE", "FILES", "HANDLED BY"));
      for (ImageAnalysis.BulkItem b : a.knownBulk()) {
        String by =
            b.handledBy() == null ? "unknown (no strip support)"
                : b.handledBy().isEmpty() ? "no preset" : "preset " + String.join(", ", b.handledBy());
        sb.append(String.format(Locale.ROOT, "  %-44s %10s %8d  %s%n", cut(b.description(), 44), human(b.bytes()),
            b.files(), cut(by, 32)));
        if (!b.paths().isEmpty()) {
          ImageAnalysis.SizedPath p = b.paths().get(0);
          sb.append(String.format(Locale.ROOT, "    e.g. %s%n", cut("/" + p.path() + " (" + human(p.bytes())
              + (b.paths().size() > 1 ? ", +" + (b.paths().size() - 1) + " more" : "") + ")", 90)));
        }
      }
    }

    sizedTable(sb, "LARGEST FILES", a.largestFiles(top), true);
    sizedTable(sb, "LARGEST DIRECTORIES", a.largestDirectories(top), false);

    if (a.duplicatesSearched()) {
      sb.append("\nDUPLICATE CONTENT\n");
      List<ImageAnalysis.DuplicateGroup> g = a.duplicates();
      if (g.isEmpty()) {
        sb.append("  no identical files at different paths\n");
      } else {
        sb.append(String.format(Locale.ROOT, "  %d groups repeat %s in total%n", g.size(), human(a.duplicateBytes())));
        sb.append(String.format(Locale.ROOT, "  %10s %6s %10s  %s%n", "REPEATED", "COPIES", "SIZE", "PATHS"));
        for (ImageAnalysis.DuplicateGroup d : g.subList(0, Math.min(top, g.size()))) {
          sb.append(String.format(Locale.ROOT, "  %10s %6d %10s  %s%n", human(d.repeatedBytes()), d.paths().size(),
              human(d.size()), cut("/" + d.paths().get(0), 68)));
          for (String p : d.paths().subList(1, Math.min(4, d.paths().size()))) {
            sb.append(String.format(Locale.ROOT, "  %30s%s%n", "", cut("/" + p, 68)));
          }
          if (d.paths().size() > 4) {
            sb.append(String.format(Locale.ROOT, "  %30s(+%d more)%n", "", d.paths().size() - 4));
          }
        }
      }
    }
    return sb.toString();
  }

  private static void sizedTable(StringBuilder sb, String title, List<ImageAnalysis.SizedPath> rows, boolean files) {
    sb.append('\n').append(title).append('\n');
    if (rows.isEmpty()) {
      sb.append("  none\n");
      return;
    }
    sb.append(String.format(Locale.ROOT, "  %10s %8s  %s%n", "SIZE", files ? "LAYER" : "FILES", "PATH"));
    for (ImageAnalysis.SizedPath p : rows) {
      sb.append(String.format(Locale.ROOT, "  %10s %8d  %s%n", human(p.bytes()), files ? p.layer() : p.files(),
          cut("/" + p.path(), WIDTH - 24)));
    }
  }

  /** Shortens {@code s} to {@code max} characters, keeping the end (the interesting part of a path). */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return "…" + s.substring(s.length() - (max - 1));
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
