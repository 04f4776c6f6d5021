package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Library search paths and lookup over in-memory trees: no ELF file, no host file is read. */
class LibraryResolverTest {
  private static LibraryResolver resolver(MapFileTree t) {
    return new LibraryResolver(new ImageIndex(t));
  }

  private static List<String> withDefaults(String... first) {
    List<String> out = new ArrayList<>(List.of(first));
    out.addAll(LibraryResolver.DEFAULT_LIB_DIRS);
    return out;
  }

  /** The final paths {@code soname} resolves to, in search order. */
  private static List<String> found(LibraryResolver r, String soname, List<String> dirs) {
    return r.locate(soname, dirs).map(w -> w.finalPath).collect(Collectors.toList());
  }

  @Test
  void runpathWithOriginComesFirstAndDefaultsLast() throws IOException {
    LibraryResolver r = resolver(new MapFileTree());
    assertEquals(
        withDefaults("/opt/app/lib", "/opt/app/bin/plugins", "/usr/lib/extra"),
        r.searchDirs(
            "/opt/app/bin/app", null, "$ORIGIN/../lib:${ORIGIN}/./plugins::/usr/lib/extra", true));
  }

  @Test
  void rpathOnlyCountsWithoutRunpath() throws IOException {
    LibraryResolver r = resolver(new MapFileTree());
    assertEquals(withDefaults("/r"), r.searchDirs("/x/app", "/r", null, true));
    assertEquals(withDefaults("/run"), r.searchDirs("/x/app", "/r", "/run", true));
  }

  @Test
  void libAndPlatformAreSubstitutedAndRelativeEntriesDropped() throws IOException {
    LibraryResolver r = resolver(new MapFileTree());
    assertEquals(
        withDefaults("/opt/lib64", "/opt/x86_64"),
        r.searchDirs("/a", null, "/opt/$LIB:/opt/${PLATFORM}", true));
    assertEquals(
        withDefaults("/opt/lib"), r.searchDirs("/a", null, "/opt/${LIB}:lib:relative/dir", false));
  }

  @Test
  void ldSoConfWithIncludesCommentsAndConfD() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .text(
                "/etc/ld.so.conf",
                "# system\ninclude /etc/ld.so.conf.d/*.conf\n/opt/main/lib # trailing comment\nhwcap 1 nosegneg\n"
                    + "include local.d/*.conf\n")
            .text("/etc/ld.so.conf.d/a.conf", "/opt/a/lib:/opt/b/lib,/opt/c/lib\n")
            .text("/etc/ld.so.conf.d/b.conf", "/opt/d/../e/lib\ninclude /etc/ld.so.conf\n")
            .text("/etc/ld.so.conf.d/notes.txt", "/not/read\n")
            .text("/etc/local.d/z.conf", "/opt/z/lib\n")
            .text("/etc/ld.so.conf.d/sub/deep.conf", "/not/read/either\n");
    LibraryResolver r = resolver(t);
    List<String> expected =
        List.of(
            "/opt/a/lib", "/opt/b/lib", "/opt/c/lib", "/opt/e/lib", "/opt/main/lib", "/opt/z/lib");
    assertEquals(expected, r.ldConfDirs(), "includes in place, each file once, a cycle ends");
    assertEquals(
        withDefaults(expected.toArray(new String[0])), r.searchDirs("/x/app", null, null, true));
  }

  @Test
  void confDFilesAreReadWithoutAnInclude() throws IOException {
    MapFileTree t = new MapFileTree().text("/etc/ld.so.conf.d/x.conf", "/opt/x\n");
    assertEquals(List.of("/opt/x"), resolver(t).ldConfDirs());
    assertEquals(List.of(), resolver(new MapFileTree()).ldConfDirs());
  }

  @Test
  void ldSoConfIsResolvedThroughSymlinks() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .symlink("/etc/ld.so.conf", "../usr/etc/ld.conf")
            .text("/usr/etc/ld.conf", "/opt/y\n");
    assertEquals(List.of("/opt/y"), resolver(t).ldConfDirs());
  }

  @Test
  void hwcapsSubdirectoriesComeBeforeTheirDirectory() {
    List<String> c = LibraryResolver.candidates("libm.so.6", List.of("/lib", "/usr/lib"));
    assertEquals(
        List.of(
            "/lib/glibc-hwcaps/x86-64-v4/libm.so.6",
            "/lib/glibc-hwcaps/x86-64-v3/libm.so.6",
            "/lib/glibc-hwcaps/x86-64-v2/libm.so.6",
            "/lib/libm.so.6",
            "/usr/lib/glibc-hwcaps/x86-64-v4/libm.so.6",
            "/usr/lib/glibc-hwcaps/x86-64-v3/libm.so.6",
            "/usr/lib/glibc-hwcaps/x86-64-v2/libm.so.6",
            "/usr/lib/libm.so.6"),
        c);
  }

  @Test
  void sonameWithSlashIsAPath() {
    assertEquals(
        List.of("/opt/x/libx.so"), LibraryResolver.candidates("/opt/x/libx.so", List.of("/lib")));
    assertEquals(List.of(), LibraryResolver.candidates("sub/libx.so", List.of("/lib")));
  }

  @Test
  void locateFollowsSymlinksSkipsDirectoriesAndKeepsSearchOrder() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libz.so.1", 10)
            .file("/usr/lib/x86_64-linux-gnu/libz.so.1.3", 20)
            .symlink("/usr/lib/x86_64-linux-gnu/libz.so.1", "libz.so.1.3")
            .dir("/lib/libz.so.1")
            .symlink("/lib64/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1")
            .file("/opt/app/lib/libz.so.1", 30);
    LibraryResolver r = resolver(t);
    List<String> dirs = r.searchDirs("/opt/app/bin/app", null, "$ORIGIN/../lib", true);
    assertEquals(
        List.of(
            "/opt/app/lib/libz.so.1",
            "/usr/lib/x86_64-linux-gnu/libz.so.1.3",
            "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libz.so.1",
            "/usr/lib/x86_64-linux-gnu/libz.so.1.3"),
        found(r, "libz.so.1", dirs),
        "RUNPATH first; /lib/libz.so.1 is a directory; /lib64's link resolves to the versioned file");
    ImageIndex.Walk viaLink =
        r.locate("libz.so.1", LibraryResolver.DEFAULT_LIB_DIRS).findFirst().orElseThrow();
    assertEquals(
        "/usr/lib/x86_64-linux-gnu/libz.so.1.3", viaLink.finalPath, "found first through /lib64");
    assertEquals(
        3, viaLink.visited.size(), "the walk holds both links and the target, kept together");
    assertTrue(found(r, "libmissing.so", dirs).isEmpty());
  }
}
