package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.Squasher;
import java.io.IOException;

/**
 * Fuzzes format detection, opening and the whole squash path with arbitrary files: whatever the
 * bytes, the run ends with a result or an {@link IOException} (normally {@link
 * dev.ocisquash.ImageException}), never another exception or a hang. Limits are tight so a bomb
 * found by the fuzzer stops quickly.
 */
class ArchiveFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void squashArbitraryFile(FuzzedDataProvider data) throws Exception {
    boolean compress = data.consumeBoolean();
    FuzzSupport.onFile(
        data.consumeRemainingAsBytes(),
        compress,
        (dir, in) ->
            Squasher.squash(
                SquashOptions.builder(in, dir.resolve("out.tar"))
                    .limits(FuzzSupport.LIMITS)
                    .build()));
  }
}
