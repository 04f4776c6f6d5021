package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@code analyze} with arbitrary files, with and without strip rules: whatever the bytes, the analysis ends
 * with a result or an {@link IOException} (normally {@link dev.ocisquash.ImageException}), never another exception
 * or a hang. It reads layers through the same scan as squash, so the same tight limits stop a bomb.
 */
class AnalyzeFuzzTest {
  private static final Limits LIMITS =
      Limits.defaults().withMaxUncompressedBytes(64L << 20).withMaxEntries(100_000);

  @FuzzTest(maxDuration = "60s")
  void analyzeArbitraryFile(FuzzedDataProvider data) throws Exception {
    boolean compress = data.consumeBoolean();
    boolean strip = data.consumeBoolean();
    boolean duplicates = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    Path dir = Files.createTempDirectory("ocisquash-fuzz-");
    try {
      Path in = dir.resolve("in.tar");
      Files.write(in, compress ? FuzzSupport.gzip(bytes) : bytes);
      AnalyzeOptions.Builder b = AnalyzeOptions.builder().limits(LIMITS).tempDir(dir).duplicates(duplicates);
      if (strip) {
        b.preset("safe");
      }
      try {
        Analyzer.analyze(in, b.build());
      } catch (IOException expected) {
        // a clean, reported failure
      }
    } finally {
      FuzzSupport.deleteTree(dir);
    }
  }
}
