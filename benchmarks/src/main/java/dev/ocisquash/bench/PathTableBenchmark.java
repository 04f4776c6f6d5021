package dev.ocisquash.bench;

import dev.ocisquash.squash.SquashPlanner;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The path table behind shadowing and whiteout decisions: inserting 1M paths in a top layer, then
 * looking each up again from a lower layer (every lower entry is shadowed), as a squash of a large
 * image does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g"})
public class PathTableBenchmark {
  @Param({"1000000"})
  public int paths;

  private List<TarEntry> entries;

  /** Builds a realistic tree: 1000 directories of 1000 files, four levels deep. */
  @Setup(Level.Trial)
  public void setup() {
    entries = new ArrayList<>(paths);
    int dirs = Math.max(1, paths / 1000);
    for (int d = 0; d < dirs; d++) {
      String dir = "usr/lib/pkg" + (d % 37) + "/mod" + d;
      entries.add(TarEntry.builder(TarEntryType.DIRECTORY, dir).mode(0755).build());
      for (int f = 0; f < 999 && entries.size() < paths; f++) {
        entries.add(
            TarEntry.builder(TarEntryType.REGULAR, dir + "/file-" + f + ".py").size(100).build());
      }
    }
  }

  /** Inserts every path (top layer) then offers it again from the layer below (all shadowed). */
  @Benchmark
  public long insertThenShadow() throws Exception {
    SquashPlanner planner = new SquashPlanner();
    planner.beginLayer(1, "top");
    long ord = 0;
    for (TarEntry e : entries) {
      planner.offer(e, ord++);
    }
    planner.beginLayer(0, "base");
    ord = 0;
    for (TarEntry e : entries) {
      planner.offer(e, ord++);
    }
    return planner.shadowedEntries();
  }
}
