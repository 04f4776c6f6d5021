package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.Squasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes format detection, opening and the whole squash path with arbitrary files: whatever the bytes, the run
 * ends with a result or an {@link IOException} (normally {@link dev.ocisquash.ImageException}), never another
 * exception or a hang. Limits are tight so a bomb found by the fuzzer stops quickly.
 */
class ArchiveFuzzTest {
  private static final Limits LIMITS =
      Limits.defaults().withMaxUncompressedBytes(64L << 20).withMaxEntries(100_000);

  @FuzzTest(maxDuration = "60s")
  void squashArbitraryFile(FuzzedDataProvider data) throws Exception {
    boolean compress = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    Path dir = Files.createTempDirectory("ocisquash-fuzz-");
    try {
      Path in = dir.resolve("in.tar");
      Files.write(in, compress ? FuzzSupport.gzip(bytes) : bytes);
      try {
        Squasher.squash(SquashOptions.builder(in, dir.resolve("out.tar")).limits(LIMITS).build());
      } catch (IOException expected) {
        // a clean, reported failure
      }
    } finally {
      FuzzSupport.deleteTree(dir);
    }
  }
}
