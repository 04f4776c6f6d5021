package dev.ocisquash.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.strip.Preset;
import dev.ocisquash.strip.Presets;
import dev.ocisquash.tar.PathNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes an {@link ImageAnalysis} as one self-contained HTML page: inline CSS, JavaScript and SVG,
 * and a Content-Security-Policy that forbids every network request. It holds the "what is eating
 * the space" table, every preset's estimate, the strip estimate of the rules given, a zoomable
 * treemap of the final tree coloured by the preset that would remove each file (see {@link
 * HtmlTreemap}), a bar chart of live versus wasted bytes per layer, and the report tables. When its
 * script has run, {@code <body>} gets {@code data-ready="1"}; any script error or policy violation
 * is recorded in the {@code data-errors} attribute of {@code <html>}.
 */
public final class HtmlReport {
  /**
   * The page's Content-Security-Policy: nothing may be fetched; only the page's own inline style
   * and script.
   */
  public static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

  /**
   * Colours for the presets, in {@link Presets#all()} order (repeating when there are more
   * presets).
   */
  private static final List<String> PALETTE =
      List.of(
          "#e15759", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#ff9da7", "#9c755f", "#76b7b2",
          "#d37295", "#8cd17d", "#b6992d", "#499894");

  /** Colour keys that are not presets. */
  static final String OTHER = "other";

  static final String KEEP = "keep";
  static final String NO_PRESET = "no preset";
  static final String REMOVE_GLOB = "--remove";

  private static final String ERRORS_JS =
      "(function(){var h=document.documentElement;function rec(m){h.setAttribute('data-errors',"
          + "(h.getAttribute('data-errors')||'')+m+'\\n');}"
          + "window.addEventListener('error',function(e){rec('error: '+e.message);});"
          + "document.addEventListener('securitypolicyviolation',function(e){rec('blocked: '+e.blockedURI);});"
          + "var ce=console.error;console.error=function(){rec('console: '+Array.prototype.join.call(arguments,' '));"
          + "return ce.apply(console,arguments);};})();";

  private HtmlReport() {}

  /** Writes the page to {@code file}. */
  public static void write(ImageAnalysis a, Path file) throws IOException {
    Files.writeString(file, render(a), StandardCharsets.UTF_8);
  }

  /**
   * The colour key of a known-bulk row: its preset, keep, no preset; {@link #OTHER} for no row and
   * for a rule without a colour of its own (the umbrella {@code safe}, which a row of its plan can
   * name), so that every key has an entry in {@link #colours}.
   */
  static String colourKey(ImageAnalysis.@Nullable BulkItem b) {
    if (b == null) {
      return OTHER;
    }
    if (b.action().equals(ImageAnalysis.KEEP)) {
      return KEEP;
    }
    if (b.action().equals(ImageAnalysis.NONE)) {
      return NO_PRESET;
    }
    String preset = Objects.requireNonNull(b.preset(), "a removal row names its rule");
    if (preset.startsWith("remove:")) {
      return REMOVE_GLOB;
    }
    return Presets.byName(preset) != null ? preset : OTHER;
  }

  /** Every colour key with its colour and legend label, presets first. */
  static Map<String, String[]> colours(ImageAnalysis a) {
    Map<String, String[]> c = new LinkedHashMap<>();
    List<Preset> all = Presets.all();
    java.util.Set<String> given = new java.util.HashSet<>();
    for (ImageAnalysis.PresetEstimate p : a.presetEstimates()) {
      if (p.selected()) {
        given.add(p.preset());
      }
    }
    for (int i = 0; i < all.size(); i++) {
      Preset p = all.get(i);
      String label = "removed by " + p.name() + (given.contains(p.name()) ? " (given)" : "");
      c.put(p.name(), new String[] {PALETTE.get(i % PALETTE.size()), label});
    }
    c.put(REMOVE_GLOB, new String[] {"#a0cbe8", "removed by --remove"});
    c.put(KEEP, new String[] {"#bab0ac", "kept on purpose"});
    c.put(NO_PRESET, new String[] {"#79706e", "known bulk, no preset"});
    c.put(OTHER, new String[] {"#4e79a7", "other"});
    return c;
  }

  /** Renders the page. */
  public static String render(ImageAnalysis a) {
    Map<String, String[]> colours = colours(a);
    ObjectNode data = Json.object();
    data.set("tree", HtmlTreemap.tree(a));
    ArrayNode layers = data.putArray("layers");
    for (ImageAnalysis.Layer l : a.layers()) {
      layers
          .addObject()
          .put("i", l.index())
          .put("live", l.liveBytes())
          .put("wasted", l.wastedBytes())
          .put("by", Analyzer.shortCreatedBy(l.createdBy(), 60));
    }
    ObjectNode cols = data.putObject("colours");
    ObjectNode labels = data.putObject("labels");
    for (Map.Entry<String, String[]> c : colours.entrySet()) {
      cols.put(c.getKey(), c.getValue()[0]);
      labels.put(c.getKey(), c.getValue()[1]);
    }
    String json = Json.forPeople(data).replace("</", "<\\/").replace("<!--", "<\\!--");

    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n");
    h.append("<title>ocisquash analyze: ").append(esc(a.source())).append("</title>\n");
    h.append("<script>").append(ERRORS_JS).append("</script>\n");
    h.append("<style>\n")
        .append(resource("report.css"))
        .append("</style></head>\n<body data-ready=\"0\">\n");
    h.append("<h1>ocisquash analyze</h1><p class=\"src\">")
        .append(esc(a.source()))
        .append("</p>\n");
    h.append("<div class=\"cards\">");
    card(h, "compressed", TextReport.human(a.compressedBytes()));
    card(h, "final content", TextReport.human(a.finalContentBytes()));
    card(h, "wasted", TextReport.human(a.wastedBytes()));
    card(h, "efficiency", String.format(Locale.ROOT, "%.1f %%", a.efficiency() * 100));
    ImageAnalysis.Estimates e = a.estimates();
    card(h, "squashed (est.)", "~" + TextReport.human(e.squashedCompressedBytes()));
    if (a.strip() != null) {
      card(h, "strip removes", TextReport.human(a.strip().removedBytes()));
      card(h, "squashed + stripped (est.)", "~" + TextReport.human(e.strippedCompressedBytes()));
    }
    h.append("</div>\n");

    headline(h, a, colours);
    presets(h, a);

    h.append(
        "<h2>Final tree</h2><p class=\"hint\">Click or press Enter on a directory to zoom in; Escape or the "
            + "path above zooms out. Hover or focus (Tab) a cell for its path and size.</p>");
    h.append(
        "<div id=\"crumbs\"></div><div id=\"legend\"></div><div id=\"info\" aria-live=\"polite\">&nbsp;</div>");
    h.append(
        "<svg id=\"treemap\" width=\"1200\" height=\"600\" viewBox=\"0 0 1200 600\" role=\"group\" "
            + "aria-label=\"treemap of the final tree\"></svg><div id=\"tip\" role=\"tooltip\" hidden></div>\n");
    HtmlTables.strip(h, a);
    if (a.packages() != null) {
      PackageUsageReport.html(h, a.packages());
    }
    h.append(
        "<h2>Layers: live vs wasted bytes</h2><svg id=\"layers\" width=\"1200\" height=\"10\"></svg>\n");
    HtmlTables.layers(h, a);
    HtmlTables.sized(h, "Largest files", a.largestFiles(Integer.MAX_VALUE));
    HtmlTables.sized(h, "Largest directories", a.largestDirectories(Integer.MAX_VALUE));
    HtmlTables.duplicates(h, a);
    h.append("<script type=\"application/json\" id=\"data\">").append(json).append("</script>\n");
    h.append("<script>\n").append(resource("report.js")).append("</script>\n</body></html>\n");
    return PathNames.display(
        h.toString()); // the JSON above is already displayed; this covers the HTML text
  }

  private static void headline(StringBuilder h, ImageAnalysis a, Map<String, String[]> colours) {
    h.append("<h2 id=\"bulk\">What's eating the space</h2>\n");
    if (a.knownBulk().isEmpty()) {
      h.append("<p>No known bulk found.</p>\n");
      return;
    }
    h.append(
        "<table class=\"bulk\"><tr><th>given</th><th class=\"l\">source of bulk</th><th>size</th>"
            + "<th class=\"l\">what it is</th><th class=\"l\">preset that removes it (or keep: why)</th></tr>\n");
    for (ImageAnalysis.BulkItem b : a.knownBulk()) {
      h.append("<tr")
          .append(b.selected() ? " class=\"sel\"" : "")
          .append("><td>")
          .append(b.selected() ? "&#10003;" : "")
          .append("</td><td class=\"l\"><span class=\"sw\" style=\"background:")
          .append(Objects.requireNonNull(colours.get(colourKey(b)), "colour")[0])
          .append("\"></span>")
          .append(esc(b.source()))
          .append("</td>");
      td(h, TextReport.human(b.bytes()));
      h.append("<td class=\"l\">")
          .append(esc(b.description()))
          .append("</td><td class=\"l\">")
          .append(esc(TextReport.presetColumn(b)))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void presets(StringBuilder h, ImageAnalysis a) {
    if (a.presetEstimates().isEmpty()) {
      return;
    }
    h.append(
        "<h2 id=\"presets\">Presets</h2><p class=\"hint\">Given presets: what each removes. Others: what "
            + "adding it to the rules given would remove on top.</p>\n<table><tr><th class=\"l\">preset</th>"
            + "<th class=\"l\">group</th><th>bytes</th><th>entries</th><th class=\"l\">how</th></tr>\n");
    for (ImageAnalysis.PresetEstimate p : a.presetEstimates()) {
      h.append("<tr")
          .append(p.selected() ? " class=\"sel\"" : "")
          .append("><td class=\"l\">")
          .append(esc(p.preset()))
          .append("</td><td class=\"l\">")
          .append(esc(p.group()))
          .append("</td>");
      td(h, (p.selected() ? "" : "+") + TextReport.human(p.bytes()));
      td(h, String.valueOf(p.entries()));
      String how = p.selected() ? "given" : "--preset " + p.preset();
      h.append("<td class=\"l\">")
          .append(esc(p.note() == null ? how : how + ", " + p.note()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static void card(StringBuilder h, String k, String v) {
    h.append("<div class=\"card\"><div class=\"k\">")
        .append(esc(k))
        .append("</div><div class=\"v\">")
        .append(esc(v))
        .append("</div></div>");
  }

  static void td(StringBuilder h, String s) {
    h.append("<td>").append(esc(s)).append("</td>");
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource " + name + " beside " + HtmlReport.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }
}
