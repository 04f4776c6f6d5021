package dev.ocisquash.report;

import static dev.ocisquash.report.HtmlReport.esc;
import static dev.ocisquash.report.HtmlReport.td;

import java.util.List;

/** The plain tables of the HTML page: strip estimate, layers, largest items, duplicates. */
final class HtmlTables {
  /** At most this many kept paths and duplicate groups are listed. */
  static final int MAX_ROWS = 200;

  private HtmlTables() {}

  /**
   * The strip estimate of the rules given: per rule, per preset on its own, all together, kept by
   * checks.
   */
  static void strip(StringBuilder h, ImageAnalysis a) {
    h.append("<h2 id=\"strip\">Strip estimate</h2>\n");
    ImageAnalysis.StripEstimate s = a.strip();
    if (s == null) {
      h.append(
          "<p>No strip rules given (try <code>--preset safe</code>); the presets above say what each would "
              + "remove.</p>\n");
      return;
    }
    h.append("<p>Rules: <code>").append(esc(String.join(" ", s.rules()))).append("</code></p>\n");
    h.append(
        "<table class=\"strip\"><tr><th class=\"l\">rule</th><th>bytes</th><th>entries</th></tr>\n");
    for (ImageAnalysis.RuleSaving r : s.perRule()) {
      row(h, r.rule(), r.bytes(), r.entries());
    }
    for (ImageAnalysis.RuleSaving r : s.perPreset()) {
      row(h, "preset " + r.rule() + " on its own", r.bytes(), r.entries());
    }
    h.append("<tr class=\"sum\">");
    h.append("<td class=\"l\">all rules together</td>");
    td(h, TextReport.human(s.removedBytes()));
    td(h, String.valueOf(s.removedEntries()));
    h.append("</tr>\n</table>\n");
    ImageAnalysis.Estimates e = a.estimates();
    h.append("<p>Squashed layer ")
        .append(esc(TextReport.human(e.squashedTarBytes())))
        .append(", stripped ")
        .append(esc(TextReport.human(e.strippedTarBytes())))
        .append(" uncompressed; compressed about ")
        .append(esc(TextReport.human(e.strippedCompressedBytes())))
        .append(".</p>\n");
    for (String n : s.notes()) {
      h.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
    }
    if (!s.keptByCheck().isEmpty()) {
      h.append("<details><summary>Kept by safety checks and keeps (")
          .append(s.keptByCheck().size())
          .append(
              " paths)</summary><table><tr><th class=\"l\">path</th><th class=\"l\">why</th></tr>\n");
      for (ImageAnalysis.KeptPath k :
          s.keptByCheck().subList(0, Math.min(MAX_ROWS, s.keptByCheck().size()))) {
        h.append("<tr><td class=\"l\">")
            .append(esc(k.path()))
            .append("</td><td class=\"l\">")
            .append(esc(k.reason()))
            .append("</td></tr>\n");
      }
      h.append("</table></details>\n");
    }
  }

  private static void row(StringBuilder h, String name, long bytes, long entries) {
    h.append("<tr><td class=\"l\">").append(esc(name)).append("</td>");
    td(h, TextReport.human(bytes));
    td(h, String.valueOf(entries));
    h.append("</tr>\n");
  }

  static void layers(StringBuilder h, ImageAnalysis a) {
    h.append(
        "<h2>Layers</h2><table><tr><th>#</th><th>compressed</th><th>tar</th><th>entries</th>"
            + "<th>whiteouts</th><th>content</th><th>wasted</th><th class=\"l\">created by</th></tr>\n");
    for (ImageAnalysis.Layer l : a.layers()) {
      h.append("<tr><td>").append(l.index()).append("</td>");
      td(h, TextReport.human(l.compressedBytes()));
      td(h, TextReport.human(l.uncompressedBytes()));
      td(h, String.valueOf(l.entries()));
      td(h, String.valueOf(l.whiteouts()));
      td(h, TextReport.human(l.contentBytes()));
      td(h, TextReport.human(l.wastedBytes()));
      h.append("<td class=\"l\">")
          .append(esc(Analyzer.shortCreatedBy(l.createdBy(), 120)))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static void sized(StringBuilder h, String title, List<ImageAnalysis.SizedPath> rows) {
    h.append("<h2>")
        .append(esc(title))
        .append("</h2><table><tr><th>size</th><th class=\"l\">path</th></tr>\n");
    for (ImageAnalysis.SizedPath p : rows) {
      h.append("<tr>");
      td(h, TextReport.human(p.bytes()));
      h.append("<td class=\"l\">").append(esc("/" + p.path())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static void duplicates(StringBuilder h, ImageAnalysis a) {
    if (!a.duplicatesSearched()) {
      return;
    }
    h.append("<h2>Duplicate content (")
        .append(esc(TextReport.human(a.duplicateBytes())))
        .append(
            " repeated)</h2><table><tr><th>repeated</th><th>copies</th><th class=\"l\">paths</th></tr>\n");
    for (ImageAnalysis.DuplicateGroup d :
        a.duplicates().subList(0, Math.min(MAX_ROWS, a.duplicates().size()))) {
      h.append("<tr>");
      td(h, TextReport.human(d.repeatedBytes()));
      td(h, String.valueOf(d.paths().size()));
      h.append("<td class=\"l\">")
          .append(esc(String.join("  ", d.paths().subList(0, Math.min(5, d.paths().size())))))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }
}
