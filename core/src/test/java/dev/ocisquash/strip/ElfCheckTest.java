package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared-library check on real ELF files: small ones built once with gcc by
 * src/test/resources/dev/ocisquash/strip/elf/make-elf-fixtures.sh and checked in, so no compiler is
 * needed here.
 */
class ElfCheckTest {
  @TempDir static Path dir;

  @BeforeAll
  static void copyFixtures() throws IOException {
    for (String name : List.of("app", "libfoo.so.1.2.3", "app2", "libbar.so.2")) {
      try (InputStream in = ElfCheckTest.class.getResourceAsStream("elf/" + name)) {
        assertNotNull(in, "missing test resource dev/ocisquash/strip/elf/" + name);
        Files.copy(in, dir.resolve(name));
      }
    }
  }

  @Test
  void readsRealElf() throws IOException {
    MapFileTree t = new MapFileTree().copy(dir.resolve("app"), "/x/app", 0755);
    ElfInfo e;
    try (SeekableContent c = t.open(t.get("/x/app"))) {
      e = ElfInfo.read(c);
    }
    assertNotNull(e);
    assertTrue(e.is64());
    assertTrue(e.needed().contains("libfoo.so.1"), e.needed().toString());
    assertTrue(e.needed().contains("libc.so.6"), e.needed().toString());
    assertEquals("$ORIGIN/../lib", e.runpath());
    assertNull(e.rpath());
    assertNotNull(e.interpreter());
    assertTrue(e.interpreter().contains("ld-linux"), e.interpreter());
    MapFileTree s = new MapFileTree().text("/x/t", "#!/bin/sh\n");
    try (SeekableContent c = s.open(s.get("/x/t"))) {
      assertNull(ElfInfo.read(c));
    }
  }

  @Test
  void hostBinariesParse() throws IOException {
    Path trueBin = Path.of("/bin/true");
    assertTrue(Files.isRegularFile(trueBin), "no /bin/true on this machine");
    MapFileTree t = new MapFileTree().copy(trueBin, "/bin/true", 0755);
    try (SeekableContent c = t.open(t.get("/bin/true"))) {
      ElfInfo e = ElfInfo.read(c);
      assertNotNull(e);
      assertFalse(e.needed().isEmpty());
    }
  }

  private MapFileTree image() throws IOException {
    MapFileTree t = new MapFileTree();
    t.copy(dir.resolve("app"), "/opt/foo/bin/app", 0755);
    t.copy(dir.resolve("libfoo.so.1.2.3"), "/opt/foo/lib/libfoo.so.1.2.3", 0755);
    t.symlink("/opt/foo/lib/libfoo.so.1", "libfoo.so.1.2.3");
    t.symlink("/opt/foo/lib/libfoo.so", "libfoo.so.1");
    t.copy(dir.resolve("app2"), "/usr/local/bin/app2", 0755);
    t.copy(dir.resolve("libbar.so.2"), "/opt/bar/lib/libbar.so.2", 0755);
    t.text("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
    t.text("/etc/ld.so.conf.d/bar.conf", "# bar\n/opt/bar/lib\n");
    t.file("/opt/foo/lib/unused.so.9", 333);
    return t;
  }

  @Test
  void libraryNeededByAKeptBinaryStays() throws IOException {
    MapFileTree t = image();
    StripRules.Builder rules =
        StripRules.builder().remove("/opt/foo/lib").remove("/opt/bar/lib/*.so.*");
    StripResult forced = Stripper.plan(t, rules.force(true).build());
    assertTrue(
        forced.isRemoved("/opt/foo/lib/libfoo.so.1.2.3"), "without the check the app would break");
    assertTrue(forced.isRemoved("/opt/bar/lib/libbar.so.2"));

    StripResult r = Stripper.plan(t, rules.force(false).build());
    StripperTest.assertConsistent(t, r);
    assertFalse(
        r.isRemoved("/opt/foo/lib/libfoo.so.1"),
        "soname link found through RUNPATH $ORIGIN/../lib");
    assertFalse(r.isRemoved("/opt/foo/lib/libfoo.so.1.2.3"), "and its target");
    assertFalse(r.isRemoved("/opt/foo/lib"));
    assertTrue(r.isRemoved("/opt/foo/lib/unused.so.9"));
    assertTrue(r.isRemoved("/opt/foo/lib/libfoo.so"), "the dev link is not needed");
    assertFalse(r.isRemoved("/opt/bar/lib/libbar.so.2"), "found through ld.so.conf.d");
    StripReport.Decision d = StripperTest.find(r, "/opt/bar/lib/libbar.so.2");
    assertEquals("shared-library", d.getCheck());
    assertTrue(d.getReason().contains("/usr/local/bin/app2"), d.getReason());
    assertEquals(333, r.bytesRemoved());
  }

  @Test
  void libraryOfARemovedBinaryGoes() throws IOException {
    MapFileTree t = image();
    StripResult r =
        Stripper.plan(
            t, StripRules.builder().remove("/opt/foo").remove("/usr/local/bin/app2").build());
    assertTrue(r.isRemoved("/opt/foo/lib/libfoo.so.1.2.3"));
    assertTrue(r.removedRoots().contains("/opt/foo"));
    List<String> kept = new ArrayList<>();
    for (StripReport.Decision d : r.report().getDecisions()) {
      if (d.getAction().equals("kept")) {
        kept.add(d.getPath());
      }
    }
    assertTrue(kept.isEmpty(), kept.toString());
  }
}
