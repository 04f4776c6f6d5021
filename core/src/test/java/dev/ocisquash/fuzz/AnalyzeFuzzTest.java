package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import java.io.IOException;

/**
 * Fuzzes {@code analyze} with arbitrary files, with and without strip rules: whatever the bytes,
 * the analysis ends with a result or an {@link IOException} (normally {@link
 * dev.ocisquash.ImageException}), never another exception or a hang. It reads layers through the
 * same scan as squash, so the same tight limits stop a bomb.
 */
class AnalyzeFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void analyzeArbitraryFile(FuzzedDataProvider data) throws Exception {
    boolean compress = data.consumeBoolean();
    boolean strip = data.consumeBoolean();
    boolean duplicates = data.consumeBoolean();
    FuzzSupport.onFile(
        data.consumeRemainingAsBytes(),
        compress,
        (dir, in) -> {
          AnalyzeOptions.Builder b =
              AnalyzeOptions.builder()
                  .limits(FuzzSupport.LIMITS)
                  .tempDir(dir)
                  .duplicates(duplicates);
          if (strip) {
            b.preset("safe");
          }
          Analyzer.analyze(in, b.build());
        });
  }
}
