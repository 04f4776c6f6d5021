package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's long lists (packages removed, databases rewritten) wrap under their label. */
class SummaryTest {
  @Test
  void aLongListWrapsUnderItsFirstItemAndLosesNoItem() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 110; i++) {
      items.add("dpkg:package-" + i + " 1." + i + "-" + (i % 7));
    }
    StringBuilder sb = new StringBuilder();
    Summary.wrapped(sb, "    packages removed: ", items);
    String[] lines = sb.toString().split(System.lineSeparator(), -1);
    assertEquals("", lines[lines.length - 1], "ends with one line separator");
    assertTrue(lines.length > 10, sb.toString());
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < lines.length - 1; i++) {
      assertTrue(lines[i].length() <= Summary.WIDTH, lines[i]);
      String prefix = i == 0 ? "    packages removed: " : " ".repeat(22);
      assertTrue(lines[i].startsWith(prefix) && !lines[i].startsWith(prefix + " "), lines[i]);
      joined.append(i == 0 ? "" : " ").append(lines[i].substring(prefix.length()));
    }
    assertEquals(String.join(", ", items), joined.toString());
  }

  @Test
  void aShortListStaysOnOneLineAndAnItemWiderThanTheLineStaysWhole() {
    StringBuilder sb = new StringBuilder();
    Summary.wrapped(sb, "  x: ", List.of("a 1", "b 2"));
    assertEquals("  x: a 1, b 2" + System.lineSeparator(), sb.toString());

    String wide = "w".repeat(Summary.WIDTH + 5);
    StringBuilder sw = new StringBuilder();
    Summary.wrapped(sw, "  x: ", List.of("a", wide));
    assertEquals(
        "  x: a," + System.lineSeparator() + "     " + wide + System.lineSeparator(),
        sw.toString());
  }
}
