package dev.ocisquash.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.strip.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every row of the HTML report gets a colour: a removal row of the umbrella {@code safe} plan names
 * {@code safe}, which is no preset of its own and has no colour of its own.
 */
class HtmlReportColoursTest {
  private static ImageAnalysis.BulkItem removal(String rule) {
    return new ImageAnalysis.BulkItem(
        "/usr/share/doc",
        4096,
        1,
        "documentation",
        ImageAnalysis.REMOVE,
        rule,
        false,
        null,
        List.of());
  }

  private static ImageAnalysis analysis(List<ImageAnalysis.BulkItem> rows) {
    return new ImageAnalysis(
        "img.tar",
        0,
        List.of(),
        4096,
        1,
        2,
        List.of(),
        List.of(),
        rows,
        List.of(),
        false,
        new ImageAnalysis.Estimates(6144, 1.0, "none", 6144, -1, -1),
        null,
        List.of(),
        List.of(),
        new int[0],
        null);
  }

  @Test
  void everyRowsColourKeyHasAColour() {
    ImageAnalysis a = analysis(List.of());
    var colours = HtmlReport.colours(a);
    for (String rule : List.of(Presets.SAFE, "docs", "remove:/opt/**", "no-such-rule")) {
      String key = HtmlReport.colourKey(removal(rule));
      assertTrue(colours.containsKey(key), rule + " -> " + key);
    }
    assertEquals("docs", HtmlReport.colourKey(removal("docs")));
    assertEquals(HtmlReport.OTHER, HtmlReport.colourKey(removal(Presets.SAFE)));
    assertEquals(HtmlReport.OTHER, HtmlReport.colourKey(null));
  }

  @Test
  void aRowOfTheUmbrellaPlanRenders() {
    String html = HtmlReport.render(analysis(List.of(removal(Presets.SAFE))));
    assertTrue(html.contains("/usr/share/doc"), "the row is on the page");
  }
}
