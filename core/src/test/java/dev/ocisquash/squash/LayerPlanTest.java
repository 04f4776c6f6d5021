package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The markers a partial squash writes, decided without any file. */
class LayerPlanTest {
  private static TarEntry dir(String p) {
    return TarEntry.builder(TarEntryType.DIRECTORY, p).mode(0755).build();
  }

  private static TarEntry file(String p) {
    return TarEntry.builder(TarEntryType.REGULAR, p).build();
  }

  private static TarEntry wh(String dir, String name) {
    return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name);
  }

  /**
   * Plans layers (bottom first) with the first {@code first} kept; returns the new layer's paths in
   * order.
   */
  private static List<String> plan(int first, List<List<TarEntry>> layers) throws Exception {
    SquashPlanner planner = new SquashPlanner();
    SquashPlanner base = new SquashPlanner();
    for (int i = layers.size() - 1; i >= 0; i--) {
      boolean kept = i < first;
      planner.beginLayer(i, "l" + i, kept);
      if (kept) {
        base.beginLayer(i, "l" + i, true);
      }
      long ord = 0;
      for (TarEntry e : layers.get(i)) {
        planner.offer(e, ord);
        if (kept) {
          base.offer(e, ord);
        }
        ord++;
      }
    }
    List<String> out = new ArrayList<>();
    for (LayerPlan.Item it : LayerPlan.build(planner, base, first).items()) {
      out.add(new String(it.path, StandardCharsets.UTF_8) + (it.marker ? " (marker)" : ""));
    }
    return out;
  }

  @Test
  void whiteoutOfABaseFileIsKept() throws Exception {
    List<String> out =
        plan(
            1, List.of(List.of(dir("etc"), file("etc/a"), file("etc/b")), List.of(wh("etc", "a"))));
    assertEquals(List.of("etc/.wh.a (marker)"), out);
  }

  @Test
  void whiteoutOfAPathNotInTheBaseIsDropped() throws Exception {
    List<String> out =
        plan(1, List.of(List.of(dir("etc")), List.of(file("etc/tmp")), List.of(wh("etc", "tmp"))));
    assertEquals(List.of(), out);
  }

  @Test
  void nestedDeletionsCollapseToTheHighestAncestor() throws Exception {
    List<String> out =
        plan(
            1,
            List.of(
                List.of(dir("d"), dir("d/e"), file("d/e/f"), file("d/g")),
                List.of(wh("d/e", "f")),
                List.of(wh("", "d"))));
    assertEquals(List.of(".wh.d (marker)"), out);
  }

  @Test
  void deletedThenRecreatedDirGetsAnOpaqueMarkerBeforeItsChildren() throws Exception {
    List<String> out =
        plan(
            1,
            List.of(
                List.of(dir("d"), file("d/old")),
                List.of(wh("", "d")),
                List.of(dir("d"), file("d/new"))));
    assertEquals(List.of("d", "d/.wh..wh..opq (marker)", "d/new"), out);
  }

  @Test
  void fileDeletedAndRecreatedInTheSquashedRangeNeedsNoMarker() throws Exception {
    List<String> out =
        plan(
            1,
            List.of(
                List.of(dir("d")),
                List.of(file("d/x")),
                List.of(wh("d", "x")),
                List.of(file("d/x"))));
    assertEquals(List.of("d/x"), out);
  }

  @Test
  void nonDirectoryReplacingABaseDirNeedsNoMarkersBelow() throws Exception {
    List<String> out =
        plan(
            1,
            List.of(
                List.of(dir("d"), file("d/x"), file("d/y")),
                List.of(wh("", "d")),
                List.of(file("d"))));
    assertEquals(List.of("d"), out);
  }

  @Test
  void whiteoutsSortBeforeTheirSiblings() throws Exception {
    List<String> out =
        plan(1, List.of(List.of(dir("d"), file("d/zz")), List.of(file("d/aa"), wh("d", "zz"))));
    assertEquals(List.of("d/.wh.zz (marker)", "d/aa"), out);
    assertTrue(
        PathOrder.compare(
                "a/.wh.z".getBytes(StandardCharsets.UTF_8), "a/-".getBytes(StandardCharsets.UTF_8))
            < 0);
    assertTrue(
        PathOrder.compare(
                "a".getBytes(StandardCharsets.UTF_8), "a/b".getBytes(StandardCharsets.UTF_8))
            < 0);
    assertTrue(
        PathOrder.compare(
                "a/b".getBytes(StandardCharsets.UTF_8), "a-c".getBytes(StandardCharsets.UTF_8))
            < 0);
  }
}
