package dev.ocisquash.bench;

import dev.ocisquash.layering.Component;
import dev.ocisquash.layering.Grouping;
import dev.ocisquash.strip.IndexedFileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * What re-layering's split asks of the grouping for every path of a large tree: its owner, then its
 * owner's slot. The owner by a lookup per path ({@code Grouping.ownerOf}, a hash miss and then the
 * tree's index) against the walk in tree order ({@code Grouping.inTreeOrder}); the slot from the
 * packing's sorted map (which compares groups) against a hash map. The tree is shaped like the
 * scale test's: files 200 to a directory, a big file now and then (a group of its own), the rest
 * unclaimed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx3g"})
public class GroupingLookupBenchmark {
  @Param({"1000000"})
  public int paths;

  private Grouping grouping;

  /** The non-directory paths, in tree order, as the split asks for them. */
  private List<String> files;

  private Map<Component, Integer> sortedSlots;
  private Map<Component, Integer> hashedSlots;

  /** Builds the tree and groups it. */
  @Setup(Level.Trial)
  public void setup() throws IOException {
    IndexedFileTree.Builder<Object> b = IndexedFileTree.builder(GroupingLookupBenchmark::noContent);
    files = new ArrayList<>(paths);
    b.add(new TreeNode("/", TarEntryType.DIRECTORY, null, 0, 0755, null), null);
    b.add(new TreeNode("/data", TarEntryType.DIRECTORY, null, 0, 0755, null), null);
    int n = 0;
    for (int d = 0; n < paths; d++) {
      String dir = String.format("/data/d%06d", d);
      b.add(new TreeNode(dir, TarEntryType.DIRECTORY, null, 0, 0755, null), null);
      for (int f = 0; f < 200 && n < paths; f++, n++) {
        String p = String.format("%s/f%03d.bin", dir, f);
        long size = n % 5000 == 0 ? 64L << 20 : 1024;
        b.add(new TreeNode(p, TarEntryType.REGULAR, null, size, 0644, null), null);
        files.add(p);
      }
    }
    grouping = Grouping.of(b.keepOrder().build(), Grouping.DEFAULT_BIG_FILE);
    sortedSlots = new TreeMap<>();
    int slot = 0;
    for (Component c : grouping.sizes().keySet()) {
      sortedSlots.put(c, slot++ % 32);
    }
    hashedSlots = new HashMap<>(sortedSlots);
  }

  /** No file of this tree is read: it has no package database. */
  private static SeekableContent noContent(TreeNode node, Object handle) throws IOException {
    throw new IOException(node.path() + ": no content in this benchmark");
  }

  /** The owner of every file by a lookup per path. */
  @Benchmark
  public int ownerByLookup() {
    return claimed(grouping::ownerOf);
  }

  /** The owner of every file from one walk in tree order. */
  @Benchmark
  public int ownerByWalk() {
    return claimed(grouping.inTreeOrder());
  }

  /** Asks for every file's owner in tree order; counts those some group claims. */
  private int claimed(Function<String, Component> ownerOf) {
    int claimed = 0;
    for (String p : files) {
      claimed += Component.UNCLAIMED.equals(ownerOf.apply(p)) ? 0 : 1;
    }
    return claimed;
  }

  /** The slot of every file's owner from the packing's sorted map. */
  @Benchmark
  public long slotFromSortedMap() {
    return slots(sortedSlots);
  }

  /** The slot of every file's owner from a hash map. */
  @Benchmark
  public long slotFromHashMap() {
    return slots(hashedSlots);
  }

  private long slots(Map<Component, Integer> slotOf) {
    long sum = 0;
    for (int i = 0; i < files.size(); i++) {
      Component c =
          i % 5000 == 0
              ? Component.of(Component.Source.BIG_FILE, files.get(i))
              : Component.UNCLAIMED;
      Integer s = slotOf.get(c);
      sum += s == null ? 31 : s;
    }
    return sum;
  }
}
