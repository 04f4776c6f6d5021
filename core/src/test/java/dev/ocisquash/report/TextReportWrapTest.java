package dev.ocisquash.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportWrapTest {
  @Test
  void trailingBlanksMakeNoWordsAndInnerRunsStay() {
    assertEquals(List.of("abc", "def"), TextReport.wrap("abc def   ", 5));
    assertEquals(List.of("a  b"), TextReport.wrap("a  b ", 10));
    assertEquals(List.of(""), TextReport.wrap("   ", 10));
  }
}
