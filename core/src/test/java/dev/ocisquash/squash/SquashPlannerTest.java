package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per flatten rule; each layer list is bottom first. Output lines: path, type, version id,
 * group.
 */
class SquashPlannerTest {
  private static long id;

  private static TarEntry dir(String p) {
    return TarEntry.builder(TarEntryType.DIRECTORY, p).mtime(++id, 0).build();
  }

  private static TarEntry file(String p) {
    return TarEntry.builder(TarEntryType.REGULAR, p).mtime(++id, 0).build();
  }

  private static TarEntry link(String p, String target) {
    return TarEntry.builder(TarEntryType.HARDLINK, p).linkTarget(target).mtime(++id, 0).build();
  }

  private static TarEntry symlink(String p) {
    return TarEntry.builder(TarEntryType.SYMLINK, p).linkTarget("/etc").mtime(++id, 0).build();
  }

  @SafeVarargs
  private static String flatten(List<TarEntry>... layers) throws Exception {
    return SquashPlannerPropertyTest.describePlanner(List.of(layers)).strip();
  }

  private static String paths(String listing) {
    StringBuilder sb = new StringBuilder();
    for (String line : listing.split("\n", -1)) {
      if (!line.isEmpty()) {
        sb.append(line, 0, line.indexOf(' ')).append(' ');
      }
    }
    return sb.toString().strip();
  }

  @Test
  void whiteoutHidesPathAndSubtreeBelowOnly() throws Exception {
    String out =
        flatten(
            List.of(dir("a"), file("a/x"), dir("a/d"), file("a/d/y")),
            List.of(file("a/.wh.d"), file("a/.wh.x"), file("a/x")));
    assertEquals("a a/x", paths(out), "same-layer a/x stays, lower a/x and a/d/* go");
  }

  @Test
  void opaqueHidesLowerChildrenWhereverItStands() throws Exception {
    String out =
        flatten(
            List.of(dir("o"), file("o/old"), file("keep")),
            List.of(file("o/new"), file("o/.wh..wh..opq")));
    assertEquals("keep o o/new", paths(out));
  }

  @Test
  void markersMatchByBasenamePrefixOnly() throws Exception {
    String out = flatten(List.of(file("foo.wh.bar"), file("x.wh..wh..opq"), dir("d")), List.of());
    assertEquals("d foo.wh.bar x.wh..wh..opq", paths(out));
  }

  @Test
  void bareWhiteoutIsAnError() {
    ImageException e = assertThrows(ImageException.class, () -> flatten(List.of(file("d/.wh."))));
    assertTrue(e.getMessage().contains("bare whiteout"), e.getMessage());
  }

  @Test
  void aufsInternalsAreDropped() throws Exception {
    String out =
        flatten(
            List.of(
                dir(".wh..wh.plnk"), file(".wh..wh.plnk/123.4"), file(".wh..wh.aufs"), file("x")));
    assertEquals("x", paths(out));
  }

  @Test
  void upperPathHidesLowerAndUpperNonDirHidesSubtree() throws Exception {
    String out = flatten(List.of(file("f"), dir("d"), file("d/x")), List.of(file("f"), file("d")));
    assertEquals(2, out.lines().count());
    assertTrue(out.contains("d REGULAR"), out);
  }

  @Test
  void upperDirMergesAndItsMetadataWins() throws Exception {
    TarEntry lower = dir("m");
    TarEntry upper = dir("m");
    String out = flatten(List.of(lower, file("m/a")), List.of(upper, file("m/b")));
    assertEquals("m m/a m/b", paths(out));
    assertTrue(out.contains("m dir " + upper.mtimeSeconds()), out);
  }

  @Test
  void deletedAndRecreatedDirDoesNotGetOldChildrenBack() throws Exception {
    String out =
        flatten(
            List.of(dir("r"), file("r/old")),
            List.of(file(".wh.r")),
            List.of(dir("r"), file("r/new")));
    assertEquals("r r/new", paths(out));
  }

  @Test
  void laterEntryInTheSameLayerWins() throws Exception {
    TarEntry first = file("dup");
    TarEntry second = file("dup");
    String out = flatten(List.of(first, second));
    assertEquals("dup REGULAR " + second.mtimeSeconds() + " group=dup", out);
  }

  @Test
  void fileReplacingDirInTheSameLayerTakesItsChildren() throws Exception {
    String out = flatten(List.of(dir("p"), file("p/in"), file("p")), List.of());
    assertEquals("p", paths(out));
  }

  @Test
  void linkKeepsOldContentWhenTargetIsOverwrittenAbove() throws Exception {
    TarEntry target = file("t");
    String out = flatten(List.of(target, link("l", "t")), List.of(file("t")));
    assertTrue(out.contains("l REGULAR " + target.mtimeSeconds() + " group=l"), out);
  }

  @Test
  void linkKeepsContentWhenTargetIsDeletedAbove() throws Exception {
    TarEntry target = file("t");
    String out = flatten(List.of(target, link("l", "t")), List.of(file(".wh.t")));
    assertEquals("l REGULAR " + target.mtimeSeconds() + " group=l", out);
  }

  @Test
  void chainWithDeletedMiddleStaysOneGroup() throws Exception {
    TarEntry a = file("a");
    String out =
        flatten(List.of(a, link("b", "a"), link("c", "b")), List.of(file(".wh.b"), file(".wh.a")));
    assertEquals("c REGULAR " + a.mtimeSeconds() + " group=c", out);
  }

  @Test
  void linkToATargetInALowerLayer() throws Exception {
    TarEntry t = file("t");
    String out = flatten(List.of(t), List.of(link("l", "t")));
    assertTrue(out.contains("l REGULAR " + t.mtimeSeconds() + " group=l"), out);
    assertTrue(out.contains("t REGULAR " + t.mtimeSeconds() + " group=l"), out);
  }

  @Test
  void linkToAMissingTargetIsAnError() {
    ImageException e =
        assertThrows(ImageException.class, () -> flatten(List.of(link("l", "nowhere"))));
    assertTrue(
        e.getMessage().contains("entry 'l'") && e.getMessage().contains("hardlink"),
        e.getMessage());
  }

  @Test
  void whiteoutBelowANonDirectoryHidesNothingMore() throws Exception {
    String out =
        flatten(
            List.of(dir("w"), dir("w/d"), file("w/d/deep")),
            List.of(symlink("w/d"), file("w/d/.wh.deep")));
    assertEquals("w w/d", paths(out));
    assertTrue(out.contains("w/d SYMLINK"), out);
  }

  @Test
  void entryBelowASameLayerNonDirectoryIsDropped() throws Exception {
    String out = flatten(List.of(file("n"), file("n/child")));
    assertEquals("n", paths(out));
  }

  @Test
  void rootEntryIsKept() throws Exception {
    String out = flatten(List.of(dir(""), file("x")), List.of(dir("")));
    assertEquals("dir", out.lines().findFirst().orElse("").strip().split(" ", -1)[0]);
  }

  /**
   * The summary counts what the squashed layers lost; a kept layer's shadowed entries are not part
   * of that.
   */
  @Test
  void countsCoverTheSquashedLayersOnly() throws Exception {
    SquashPlanner p = new SquashPlanner();
    p.beginLayer(2, "layer 3", false);
    p.offer(file("a/.wh.x"), 0);
    p.offer(file("b"), 1);
    p.beginLayer(1, "layer 2", false);
    p.offer(file("b"), 0); // shadowed by layer 3's b
    p.beginLayer(0, "layer 1", true);
    p.offer(dir("a"), 0);
    p.offer(file("a/x"), 1); // whited out from above, but kept as it is
    p.offer(file("a/.wh.y"), 2);
    assertEquals(1, p.shadowedEntries());
    assertEquals(1, p.whiteoutEntries());
  }
}
