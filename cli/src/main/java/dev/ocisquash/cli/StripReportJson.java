package dev.ocisquash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ocisquash.strip.StripReport;
import java.io.IOException;
import java.nio.file.Path;

/** Writes the strip report for {@code --report-json}. */
final class StripReportJson {
  private StripReportJson() {}

  static void write(StripReport report, Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
  }
}
