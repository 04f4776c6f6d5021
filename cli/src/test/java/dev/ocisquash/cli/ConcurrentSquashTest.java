package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.Squasher;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several squashes at once in one JVM must not share state (codecs, registries, buffers): each
 * output must be byte for byte what a lone sequential run writes.
 */
class ConcurrentSquashTest {
  @TempDir Path tmp;

  @Test
  void parallelRunsMatchASequentialOne() throws Exception {
    Path in = TestData.sample();
    for (String compression : List.of("gzip", "zstd")) {
      Path ref = tmp.resolve("ref-" + compression + ".tar");
      Squasher.squash(opts(in, ref, compression));
      byte[] expected = Files.readAllBytes(ref);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Path>> futures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          Path out = tmp.resolve("par-" + compression + "-" + i + ".tar");
          futures.add(
              pool.submit(
                  () -> {
                    Squasher.squash(opts(in, out, compression));
                    return out;
                  }));
        }
        for (Future<Path> f : futures) {
          assertArrayEquals(
              expected, Files.readAllBytes(f.get(120, TimeUnit.SECONDS)), compression);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    // Only the outputs remain: no spool or temp file of any run.
    try (var s = Files.list(tmp)) {
      assertEquals(26, s.count());
    }
  }

  private static SquashOptions opts(Path in, Path out, String compression) {
    return SquashOptions.builder(in, out)
        .compression(dev.ocisquash.compress.Compression.parse(compression))
        .build();
  }
}
