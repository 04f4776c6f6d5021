package dev.ocisquash.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.trace.PackageUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The package table of {@code analyze --trace}, in the three report forms: every installed package,
 * whether the traces touched it, its bytes, why it stays, and what removing the untouched ones
 * would save.
 */
final class PackageUsageReport {
  private PackageUsageReport() {}

  /** The words for a reason. */
  static String why(PackageUsage.Row r) {
    if (r.reason() == null) {
      return "-- removable";
    }
    return switch (r.reason()) {
      case TOUCHED -> "touched";
      case NEEDED -> "needed";
      case PROTECTED -> "kept: protected";
      case SAFETY_CHECK -> "kept: safety check";
    };
  }

  /** Largest first, then by label. */
  static List<PackageUsage.Row> sorted(PackageUsage.Result u) {
    List<PackageUsage.Row> rows = new ArrayList<>(u.rows());
    rows.sort(
        Comparator.comparingLong(PackageUsage.Row::bytes)
            .reversed()
            .thenComparing(PackageUsage.Row::label));
    return rows;
  }

  static String summary(PackageUsage.Result u) {
    long touched = u.rows().stream().filter(PackageUsage.Row::touched).count();
    return String.format(
        Locale.ROOT,
        "%d of %d packages touched by the traces (%d paths); removing the %d that nothing touched and nothing kept"
            + " needs would save %s",
        touched,
        u.rows().size(),
        u.tracedPaths(),
        u.removableCount(),
        TextReport.human(u.savedBytes()));
  }

  static void text(StringBuilder sb, PackageUsage.Result u) {
    sb.append("\nPACKAGES  (--trace)\n");
    sb.append("  ").append(summary(u)).append('\n');
    if (u.rows().isEmpty()) {
      sb.append("  no package database in the image\n");
      return;
    }
    String f = "  %-40s %10s %-7s %-18s %s%n";
    sb.append(
        String.format(Locale.ROOT, f, "PACKAGE", "SIZE", "TOUCHED", "STAYS BECAUSE", "DETAIL"));
    for (PackageUsage.Row r : sorted(u)) {
      sb.append(
          String.format(
              Locale.ROOT,
              f,
              TextReport.cut(r.label(), 40),
              TextReport.human(r.bytes()),
              r.touched() ? "yes" : "no",
              why(r),
              r.detail() == null ? "" : TextReport.cut(r.detail(), 60)));
    }
  }

  static void json(ObjectNode root, PackageUsage.Result u) {
    ObjectNode o = root.putObject("packages");
    o.put("tracedPaths", u.tracedPaths());
    o.put("removableCount", u.removableCount());
    o.put("removableSavingsBytes", u.savedBytes());
    ArrayNode sel = o.putArray("removableSelectors");
    u.removable().forEach(sel::add);
    ArrayNode alt = o.putArray("alternativesRemoved");
    u.alternatives().forEach(alt::add);
    ArrayNode rows = o.putArray("rows");
    for (PackageUsage.Row r : u.rows()) {
      ObjectNode x = rows.addObject();
      x.put("package", r.label());
      x.put("ecosystem", r.ecosystem());
      x.put("name", r.name());
      x.put("version", r.version());
      x.put("bytes", r.bytes());
      x.put("touched", r.touched());
      x.put(
          "staysBecause",
          r.reason() == null ? null : r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      x.put("detail", r.detail());
    }
  }

  static void html(StringBuilder h, PackageUsage.Result u) {
    h.append("<h2 id=\"packages\">Packages by the traces</h2><p>")
        .append(HtmlReport.esc(summary(u)))
        .append("</p>\n");
    h.append(
        "<table><thead><tr><th>Package</th><th>Size</th><th>Touched</th><th>Stays because</th>"
            + "<th>Detail</th></tr></thead><tbody>\n");
    for (PackageUsage.Row r : sorted(u)) {
      h.append("<tr>");
      HtmlReport.td(h, r.label());
      HtmlReport.td(h, TextReport.human(r.bytes()));
      HtmlReport.td(h, r.touched() ? "yes" : "no");
      HtmlReport.td(h, why(r));
      HtmlReport.td(h, r.detail() == null ? "" : r.detail());
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }
}
