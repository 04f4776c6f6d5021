package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {

  private static boolean m(String glob, String path) {
    return RuleMatcher.compile(List.of(glob)).matchAll(path).get(0);
  }

  /** Exact match only, without subtree inheritance. */
  private static boolean exact(String glob, String path) {
    RuleMatcher rm = RuleMatcher.compile(List.of(glob));
    RuleMatcher.State s = rm.start();
    for (String c : path.substring(1).split("/", -1)) {
      if (!c.isEmpty()) {
        s = rm.step(s, c);
      }
    }
    return rm.accepts(s).length > 0;
  }

  @Test
  void literalAndSubtree() {
    assertTrue(m("/usr/share/doc", "/usr/share/doc"));
    assertTrue(m("/usr/share/doc", "/usr/share/doc/bash/README"));
    assertFalse(m("/usr/share/doc", "/usr/share/docs"));
    assertFalse(m("/usr/share/doc", "/usr/share"));
    assertTrue(m("/usr/share/doc/", "/usr/share/doc/x"));
  }

  @Test
  void starStaysInOneComponent() {
    assertTrue(exact("/var/cache/apt/*.bin", "/var/cache/apt/pkgcache.bin"));
    assertFalse(exact("/var/cache/apt/*.bin", "/var/cache/apt/archives/x.bin"));
    assertFalse(exact("/a/*", "/a"));
    assertTrue(exact("/a/*", "/a/b"));
    assertFalse(exact("/a/*", "/a/b/c"));
    assertTrue(exact("/a/x*y*z", "/a/xAyBz"));
    assertFalse(exact("/a/x*y*z", "/a/xAyBzq"));
  }

  @Test
  void questionMarkAndClasses() {
    assertTrue(exact("/a/?.txt", "/a/b.txt"));
    assertFalse(exact("/a/?.txt", "/a/bb.txt"));
    assertTrue(exact("/l/[a-c]x", "/l/bx"));
    assertFalse(exact("/l/[a-c]x", "/l/dx"));
    assertTrue(exact("/l/[!a-c]x", "/l/dx"));
    assertFalse(exact("/l/[!a-c]x", "/l/ax"));
    assertTrue(exact("/l/[^a]", "/l/b"));
    assertTrue(exact("/l/\\*", "/l/*"));
    assertFalse(exact("/l/\\*", "/l/x"));
  }

  @Test
  void doubleStarCrossesComponents() {
    assertTrue(exact("**/share/doc", "/usr/share/doc"));
    assertTrue(exact("**/share/doc", "/opt/conda/share/doc"));
    assertTrue(exact("**/share/doc", "/share/doc"));
    assertFalse(exact("**/share/doc", "/usr/share/doc/x"));
    assertTrue(m("**/share/doc", "/usr/share/doc/x"));
    assertTrue(exact("/usr/**/*.pyc", "/usr/a.pyc"));
    assertTrue(exact("/usr/**/*.pyc", "/usr/lib/python3/x/y/a.pyc"));
    assertFalse(exact("/usr/**/*.pyc", "/opt/a.pyc"));
    assertTrue(exact("/a/**", "/a"));
    assertTrue(exact("/a/**", "/a/b/c"));
    assertTrue(exact("**/.cache/pip", "/root/.cache/pip"));
    assertTrue(exact("/a/**/b/**/c", "/a/x/b/y/z/c"));
    assertFalse(exact("/a/**/b/**/c", "/a/x/y/z/c"));
  }

  @Test
  void bracesExpand() {
    assertTrue(exact("/var/cache/{dnf,yum}", "/var/cache/dnf"));
    assertTrue(exact("/var/cache/{dnf,yum}", "/var/cache/yum"));
    assertFalse(exact("/var/cache/{dnf,yum}", "/var/cache/apt"));
  }

  @Test
  void badGlobsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> RuleMatcher.compile(List.of("usr/share")));
    assertThrows(IllegalArgumentException.class, () -> RuleMatcher.compile(List.of("/a/[bc")));
    assertThrows(IllegalArgumentException.class, () -> RuleMatcher.compile(List.of("/a/{b")));
    assertThrows(IllegalArgumentException.class, () -> RuleMatcher.compile(List.of("/a/../b")));
  }

  @Test
  void manyRulesGiveTheSameAnswersAsOneByOne() {
    List<String> globs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      globs.add("/opt/app" + i + "/**/*.log");
      globs.add("**/cache" + i);
      globs.add("/srv/[a-f]" + i + "?/data");
    }
    RuleMatcher all = RuleMatcher.compile(globs);
    String[] paths = {
      "/opt/app7/x/y/z.log",
      "/opt/app7/z.log",
      "/opt/app7/z.txt",
      "/home/u/cache12/a",
      "/srv/c12x/data",
      "/srv/z12x/data",
      "/srv/a299q/data/more",
      "/x/cache299",
    };
    for (String p : paths) {
      java.util.BitSet got = all.matchAll(p);
      for (int i = 0; i < globs.size(); i++) {
        assertEquals(m(globs.get(i), p), got.get(i), globs.get(i) + " on " + p);
      }
    }
  }
}
