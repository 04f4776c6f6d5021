package dev.ocisquash.cli;

import dev.ocisquash.compress.Compression;
import dev.ocisquash.squash.SquashResult;
import dev.ocisquash.strip.StripReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The human summary printed after a squash. */
final class Summary {
  private Summary() {}

  static String of(
      String in, String out, SquashResult r, double seconds, @Nullable String gzipEncoder) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "squashed %s -> %s in %.1f s%n", in, out, seconds));
    sb.append(
        String.format(
            Locale.ROOT,
            "  size     %s -> %s (%s)%n",
            human(r.inputBytes()),
            human(r.outputBytes()),
            percent(r.inputBytes(), r.outputBytes())));
    sb.append(String.format(Locale.ROOT, "  layers   %d -> %d", r.layersIn(), r.layersOut()));
    if (r.layersIn() - r.firstSquashedLayer() == 1) {
      sb.append(
          r.stripReport() != null
              ? " (one layer to squash: nothing to merge, stripped and rewritten)"
              : " (one layer to squash: nothing to merge, rewritten)");
    }
    if (r.firstSquashedLayer() > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              " (kept layers 0..%d byte for byte, squashed %d..%d)",
              r.firstSquashedLayer() - 1,
              r.firstSquashedLayer(),
              r.layersIn() - 1));
    }
    sb.append(System.lineSeparator());
    sb.append(
        String.format(
            Locale.ROOT,
            "  entries  %d read, %d written, %d dropped as shadowed, %s applied, %s promoted%n",
            r.entriesRead(),
            r.entriesWritten(),
            r.shadowedEntries(),
            count(r.whiteouts(), "whiteout", "whiteouts"),
            count(r.promotedLinks(), "hardlink", "hardlinks")));
    StripReport strip = r.stripReport();
    if (strip != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  stripped %s in %s%n",
              human(strip.getBytesRemoved()),
              entries(strip.getEntriesRemoved())));
      for (Map.Entry<String, StripReport.Totals> t : strip.getRuleTotals().entrySet()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "    %-28s %10s  %s%n",
                t.getKey(),
                human(t.getValue().getBytes()),
                entries(t.getValue().getEntries())));
      }
      for (Map.Entry<String, StripReport.Totals> t : strip.getCheckTotals().entrySet()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "    kept by %-20s %10s  %s%n",
                t.getKey(),
                human(t.getValue().getBytes()),
                entries(t.getValue().getEntries())));
      }
      for (String note : strip.getNotes()) {
        sb.append("    note: ").append(note).append(System.lineSeparator());
      }
      if (!strip.getPackagesRemoved().isEmpty()) {
        wrapped(sb, "    packages removed: ", strip.getPackagesRemoved());
        wrapped(sb, "    databases rewritten: ", strip.getDatabaseRewrites());
      }
      if (r.strippedFromKeptLayersBytes() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "    %s of that lives in kept base layers: whited out, saves no bytes in the image%n",
                human(r.strippedFromKeptLayersBytes())));
      }
    }
    if (r.push() != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  pushed   %d blobs (%s) uploaded, %d mounted from the source repository, %d already there%n",
              r.push().uploaded(),
              human(r.push().uploadedBytes()),
              r.push().mounted(),
              r.push().present()));
    }
    if (r.newLayers().size() > 1
        || (r.newLayers().size() == 1 && !r.newLayers().get(0).groups().isEmpty())) {
      sb.append(LayerSummary.of(r.newLayers()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  output   %s, %s layers%s, manifest %s",
            r.format().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            r.compression() == Compression.NONE
                ? "uncompressed"
                : r.compression().name().toLowerCase(Locale.ROOT),
            r.compression() == Compression.GZIP ? " by " + gzipEncoder : "",
            r.manifestDigest()));
    return sb.toString();
  }

  /** {@code 1 entry}, {@code 2 entries}. */
  static String entries(long n) {
    return count(n, "entry", "entries");
  }

  /** The count and the noun in the number it needs. */
  static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String percent(long before, long after) {
    if (before == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%+.1f%%", (after - before) * 100.0 / before);
  }

  /** The widest a wrapped list's line gets, unless one item alone is wider. */
  static final int WIDTH = 100;

  /**
   * Appends {@code label} and the items, comma-separated, wrapped at {@link #WIDTH} columns with
   * the continuation lines indented under the first item.
   */
  static void wrapped(StringBuilder sb, String label, List<String> items) {
    String indent = " ".repeat(label.length());
    sb.append(label);
    int col = label.length();
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i) + (i < items.size() - 1 ? "," : "");
      if (i > 0) {
        if (col + 1 + item.length() > WIDTH) {
          sb.append(System.lineSeparator()).append(indent);
          col = indent.length();
        } else {
          sb.append(' ');
          col++;
        }
      }
      sb.append(item);
      col += item.length();
    }
    sb.append(System.lineSeparator());
  }
}
