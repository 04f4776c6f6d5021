package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * 10^6 tiny entries must finish quickly with bounded memory. Run against the planner directly: it
 * is what holds per-entry state (the spool holds content on disk), so this is where a quadratic
 * step or a leak would show.
 */
class ManyEntriesTest {
  @Test
  void millionEntriesFinish() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          Runtime rt = Runtime.getRuntime();
          SquashPlanner planner = new SquashPlanner();
          planner.beginLayer(1, "layer 2");
          long ord = 0;
          // Upper layer: 500k files in 1000 directories, each shadowing a lower one.
          for (int d = 0; d < 1000; d++) {
            for (int f = 0; f < 500; f++) {
              planner.offer(
                  TarEntry.builder(TarEntryType.REGULAR, "d" + d + "/f" + f).mode(0644).build(),
                  ord++);
            }
          }
          planner.beginLayer(0, "layer 1");
          ord = 0;
          for (int d = 0; d < 1000; d++) {
            for (int f = 0; f < 500; f++) {
              planner.offer(
                  TarEntry.builder(TarEntryType.REGULAR, "d" + d + "/f" + f).mode(0644).build(),
                  ord++);
            }
          }
          planner.checkLinks();
          assertEquals(500_000, planner.shadowedEntries());
          System.gc();
          long used = rt.totalMemory() - rt.freeMemory();
          // Generous: about 1 KiB per live entry; a per-entry copy of content or of the tree would
          // blow it.
          org.junit.jupiter.api.Assertions.assertTrue(
              used < 1024L * 1024 * 1024, "heap in use: " + used);
        });
  }
}
