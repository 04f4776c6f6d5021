package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.TempFiles;
import dev.ocisquash.strip.IndexedFileTree;
import dev.ocisquash.strip.TreeNode;
import dev.ocisquash.tar.TarEntry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planned tree's hardlink group keys: every name of an object with more than one live name
 * carries one shared key, every other node none. {@link PlannedFileTree} counts the names itself
 * (only for objects a hardlink entry reaches), so it is checked against a count over all records.
 */
class PlannedFileTreeTest {
  @TempDir Path dir;

  @Test
  void groupKeysMarkExactlyTheObjectsWithSeveralLiveNames() throws Exception {
    Random rnd = new Random(7);
    int withGroups = 0;
    int singles = 0;
    try (Spool spool = new Spool(dir, new TempFiles(), "out.tar")) {
      ContentStore contents = new ContentStore(spool);
      for (int iter = 0; iter < 3000; iter++) {
        List<List<TarEntry>> layers = SquashPlannerPropertyTest.randomStack(rnd);
        SquashPlanner planner;
        try {
          planner = SquashPlannerPropertyTest.planned(layers);
        } catch (Exception invalidStack) {
          continue; // a link to a missing target: covered by the planner's own tests
        }
        List<SquashPlanner.PlannedPath> sorted = planner.liveRecordsSorted();
        IdentityHashMap<FileObject, Integer> names = new IdentityHashMap<>();
        Map<String, FileObject> objectAt = new HashMap<>();
        for (SquashPlanner.PlannedPath r : sorted) {
          if (r.file != null) {
            FileObject f = r.file.resolve();
            assertNotNull(f);
            names.merge(f, 1, Integer::sum);
            objectAt.put("/" + r.entry.path(), f);
          }
        }
        IndexedFileTree tree = PlannedFileTree.of(sorted, contents);
        IdentityHashMap<FileObject, Object> keyOf = new IdentityHashMap<>();
        for (TreeNode n : tree.nodes()) {
          FileObject f = objectAt.get(n.path());
          if (f == null) {
            assertNull(n.groupKey(), n.path() + " is a directory");
          } else if (names.get(f) > 1) {
            assertNotNull(n.groupKey(), n.path() + " shares its object");
            Object first = keyOf.putIfAbsent(f, n.groupKey());
            assertTrue(first == null || first.equals(n.groupKey()), n.path() + ": one key");
            withGroups++;
          } else {
            assertNull(n.groupKey(), n.path() + " is the only name of its object");
            singles++;
          }
        }
        assertEquals(objectAt.size() + countDirs(sorted) + rootAdded(sorted), countNodes(tree));
      }
    }
    assertTrue(withGroups > 100 && singles > 100, withGroups + " grouped, " + singles + " single");
  }

  private static int countDirs(List<SquashPlanner.PlannedPath> sorted) {
    int n = 0;
    for (SquashPlanner.PlannedPath r : sorted) {
      n += r.file == null ? 1 : 0;
    }
    return n;
  }

  private static int rootAdded(List<SquashPlanner.PlannedPath> sorted) {
    for (SquashPlanner.PlannedPath r : sorted) {
      if (r.entry.path().isEmpty() || r.entry.path().equals("/")) {
        return 0;
      }
    }
    return 1;
  }

  private static int countNodes(IndexedFileTree tree) {
    int n = 0;
    for (TreeNode ignored : tree.nodes()) {
      n++;
    }
    return n;
  }
}
