package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A partial squash planned from the squashed layers alone ({@link
 * SquashPlanner#markersOverUnreadLayers}), the kept layers never read: on random stacks, applying
 * the kept layers and then the new layer with the independent {@link ReferenceApplier} must give
 * the tree that applying every original layer gives. Stacks the planner declines (it returns null:
 * a link into the kept layers, a directory only implied by entries that did not survive) are
 * counted; the squash reads every layer for those.
 */
class UnreadBasePropertyTest {
  private static TarEntry dir(String p, long t) {
    return TarEntry.builder(TarEntryType.DIRECTORY, p).mtime(t, 0).build();
  }

  private static TarEntry file(String p, long t) {
    return TarEntry.builder(TarEntryType.REGULAR, p).mtime(t, 0).build();
  }

  @Test
  void keptLayersPlusTheNewLayerUnpackToTheOriginalTree() throws Exception {
    Random rnd = new Random(Long.getLong("planner.seed", 7));
    int checked = 0;
    int declined = 0;
    for (int iter = 0; iter < Integer.getInteger("planner.iterations", 20000); iter++) {
      List<List<TarEntry>> layers = SquashPlannerPropertyTest.randomStack(rnd);
      if (layers.size() < 2) {
        continue;
      }
      ReferenceApplier all = new ReferenceApplier();
      try {
        for (int i = 0; i < layers.size(); i++) {
          all.apply(i, layers.get(i));
        }
      } catch (IllegalStateException missingLinkTarget) {
        continue;
      }
      int first = 1 + rnd.nextInt(layers.size() - 1);
      List<TarEntry> newLayer = newLayerFromSquashedOnly(layers, first);
      if (newLayer == null) {
        declined++;
        continue;
      }
      ReferenceApplier kept = new ReferenceApplier();
      for (int i = 0; i < first; i++) {
        kept.apply(i, layers.get(i));
      }
      kept.apply(first, newLayer);
      assertEquals(
          SquashPlannerPropertyTest.describeReference(all),
          SquashPlannerPropertyTest.describeReference(kept),
          "squash from "
              + first
              + " of stack:\n"
              + SquashPlannerPropertyTest.dump(layers)
              + "new layer:\n"
              + SquashPlannerPropertyTest.dump(List.of(newLayer)));
      checked++;
    }
    assertTrue(
        checked > 5000, "too few stacks checked: " + checked + " (declined " + declined + ")");
    assertTrue(
        declined < checked / 4, "declined too often: " + declined + " of " + (checked + declined));
  }

  /**
   * The entries the writer puts in the new layer, as {@link LayerWriter} names them; null when
   * declined.
   */
  static List<TarEntry> newLayerFromSquashedOnly(List<List<TarEntry>> layers, int first)
      throws Exception {
    SquashPlanner planner = new SquashPlanner();
    for (int i = layers.size() - 1; i >= first; i--) {
      planner.beginLayer(i, "layer " + i);
      long ord = 0;
      for (TarEntry e : layers.get(i)) {
        planner.offer(e, ord++);
      }
    }
    List<byte[]> markers = planner.markersOverUnreadLayers(first);
    if (markers == null) {
      return null;
    }
    planner.checkLinks();
    LayerPlan plan =
        LayerPlan.build(
            planner, null, first, planner.liveRecordsSorted(), p -> false, p -> false, markers);
    List<TarEntry> out = new ArrayList<>();
    IdentityHashMap<FileObject, String> written = new IdentityHashMap<>();
    for (LayerPlan.Item it : plan.items()) {
      String path = new String(it.path, StandardCharsets.UTF_8);
      if (it.file == null) {
        out.add(it.entry.toBuilder().path(it.path).build());
      } else if (written.containsKey(it.file)) {
        out.add(
            TarEntry.builder(TarEntryType.HARDLINK, path)
                .linkTarget(written.get(it.file))
                .mtime(it.file.entry.mtimeSeconds(), 0)
                .build());
      } else {
        written.put(it.file, path);
        out.add(it.file.entry.toBuilder().path(it.path).build());
      }
    }
    return out;
  }

  @Test
  void whatTheSquashedLayersHidGetsHiddenAgain() throws Exception {
    // base: d/old and x; squashed: d deleted then recreated, x deleted, y added then deleted
    List<List<TarEntry>> layers =
        List.of(
            List.of(dir("d", 1), file("d/old", 2), file("x", 3)),
            List.of(file(".wh.d", 4), file(".wh.x", 5), file("y", 6)),
            List.of(dir("d", 7), file("d/new", 8), file(".wh.y", 9)));
    List<String> paths = new ArrayList<>();
    for (TarEntry e : newLayerFromSquashedOnly(layers, 1)) {
      paths.add(e.path());
    }
    // y's whiteout hides nothing in the base; it is there because the base was not read.
    assertEquals(List.of(".wh.x", ".wh.y", "d", "d/.wh..wh..opq", "d/new"), paths);
  }

  @Test
  void aLinkIntoTheKeptLayersOrAnImpliedDirectoryIsDeclined() throws Exception {
    List<List<TarEntry>> link =
        List.of(
            List.of(file("a", 1)),
            List.of(
                TarEntry.builder(TarEntryType.HARDLINK, "b").linkTarget("a").mtime(2, 0).build()));
    assertNull(newLayerFromSquashedOnly(link, 1));
    // p/x made p a directory (replacing the base's file p), then went: whether p exists depends on
    // the base.
    List<List<TarEntry>> implied =
        List.of(List.of(file("p", 1)), List.of(file("p/x", 2)), List.of(file("p/.wh.x", 3)));
    assertNull(newLayerFromSquashedOnly(implied, 1));
  }
}
