package dev.ocisquash.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocisquash.tar.Whiteouts.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WhiteoutsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Kind k(String s) {
    return Whiteouts.classify(b(s));
  }

  @Test
  void classify() {
    assertEquals(Kind.NONE, k("foo"));
    assertEquals(Kind.NONE, k("foo.wh.bar"));
    assertEquals(Kind.NONE, k("a.wh..wh..opq"));
    assertEquals(Kind.NONE, k("dir/x.wh.y"));
    assertEquals(Kind.NONE, k(""));
    assertEquals(Kind.NONE, k(".wh"));
    assertEquals(Kind.NONE, k(".wh.x/file")); // only the basename marks a whiteout
    assertEquals(Kind.WHITEOUT, k(".wh.foo"));
    assertEquals(Kind.WHITEOUT, k("a/b/.wh.foo"));
    assertEquals(Kind.WHITEOUT, k(".wh."));
    assertEquals(Kind.OPAQUE, k(".wh..wh..opq"));
    assertEquals(Kind.OPAQUE, k("a/b/.wh..wh..opq"));
    assertEquals(Kind.AUFS_META, k(".wh..wh.plnk"));
    assertEquals(Kind.AUFS_META, k("x/.wh..wh.aufs"));
    assertEquals(Kind.AUFS_META, k(".wh..wh.plnk/123.456"));
    assertEquals(Kind.AUFS_META, k("a/.wh..wh.orph/deep/.wh.foo"));
    assertEquals(Kind.AUFS_META, k(".wh..wh..opqx"));
    assertEquals(Kind.NONE, k("a.wh..wh.plnk/x"));
    assertEquals(Kind.WHITEOUT, Whiteouts.classify(new byte[] {'.', 'w', 'h', '.', (byte) 0xff}));
  }

  @Test
  void whiteoutTarget() {
    assertArrayEquals(b("foo"), Whiteouts.whiteoutTarget(b(".wh.foo")));
    assertArrayEquals(b("a/b/foo.wh.x"), Whiteouts.whiteoutTarget(b("a/b/.wh.foo.wh.x")));
    assertArrayEquals(b("a/.wh.x"), Whiteouts.whiteoutTarget(b("a/.wh..wh.x")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Whiteouts.whiteoutTarget(b("d/.wh.")));
    assertEquals("bare whiteout '.wh.'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Whiteouts.whiteoutTarget(b("foo.wh.bar")));
  }

  @Test
  void parentAndBuilders() {
    assertArrayEquals(b(""), Whiteouts.parent(b("top")));
    assertArrayEquals(b("a/b"), Whiteouts.parent(b("a/b/c")));
    assertArrayEquals(b(".wh.top"), Whiteouts.whiteoutFor(b("top")));
    assertArrayEquals(b("a/b/.wh.c"), Whiteouts.whiteoutFor(b("a/b/c")));
    assertArrayEquals(b(".wh..wh..opq"), Whiteouts.opaqueMarkerFor(b("")));
    assertArrayEquals(b("a/b/.wh..wh..opq"), Whiteouts.opaqueMarkerFor(b("a/b")));
    assertArrayEquals(b("a/b/c"), Whiteouts.whiteoutTarget(Whiteouts.whiteoutFor(b("a/b/c"))));
    assertEquals(Kind.OPAQUE, Whiteouts.classify(Whiteouts.opaqueMarkerFor(b("x"))));
    assertThrows(IllegalArgumentException.class, () -> Whiteouts.whiteoutFor(b("")));
  }
}
