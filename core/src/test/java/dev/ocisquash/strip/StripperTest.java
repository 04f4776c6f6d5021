package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripperTest {

  private static StripResult plan(MapFileTree t, StripRules.Builder b) throws IOException {
    StripResult r = Stripper.plan(t, b.build());
    assertConsistent(t, r);
    return r;
  }

  /** Invariants every result must satisfy. */
  static void assertConsistent(MapFileTree t, StripResult r) {
    long sum = 0;
    long entries = 0;
    for (StripReport.Totals tot : r.report().getRuleTotals().values()) {
      sum += tot.getBytes();
      entries += tot.getEntries();
    }
    assertEquals(r.bytesRemoved(), sum, "bytes removed == sum per rule");
    assertEquals(r.report().getEntriesRemoved(), entries);
    assertEquals(r.removedPaths().size(), entries);
    for (String p : t.paths()) {
      String parent = MapFileTree.parentOf(p);
      if (parent != null && r.isRemoved(parent)) {
        assertTrue(r.isRemoved(p), "child of removed dir must be removed: " + p);
      }
    }
    for (String root : r.removedRoots()) {
      assertTrue(r.isRemoved(root));
      String parent = MapFileTree.parentOf(root);
      assertFalse(parent != null && r.isRemoved(parent));
    }
  }

  private static StripRules.Builder safe() {
    return StripRules.builder().preset("safe");
  }

  @Test
  void docsRemovedButLicensesStay() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/share/doc/bash/README", 1000)
            .file("/usr/share/doc/bash/copyright", 50)
            .file("/usr/share/doc/pkg/LICENSE.txt", 70)
            .file("/usr/share/doc/pkg/NEWS.gz", 300)
            .file("/usr/share/man/man1/ls.1.gz", 200)
            .file("/opt/conda/share/info/dir", 30)
            .file("/usr/share/gtk-doc/html/x.html", 10)
            .file("/usr/bin/bash", 5000);
    StripResult r = plan(t, safe());
    assertTrue(r.isRemoved("/usr/share/doc/bash/README"));
    assertTrue(r.isRemoved("/usr/share/doc/pkg/NEWS.gz"));
    assertFalse(r.isRemoved("/usr/share/doc/bash/copyright"));
    assertFalse(r.isRemoved("/usr/share/doc/pkg/LICENSE.txt"));
    assertFalse(r.isRemoved("/usr/share/doc/bash"), "parent of a kept license stays");
    assertTrue(r.isRemoved("/usr/share/man"));
    assertTrue(r.removedRoots().contains("/usr/share/man"));
    assertTrue(r.isRemoved("/opt/conda/share/info"));
    assertTrue(r.isRemoved("/usr/share/gtk-doc"));
    assertFalse(r.isRemoved("/usr/bin/bash"));
    assertEquals(1000 + 300 + 200 + 30 + 10, r.bytesRemoved());
    assertEquals(1540, r.report().getRuleTotals().get("docs").getBytes());
  }

  @Test
  void keepAlwaysWins() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/share/man/man1/ls.1.gz", 200)
            .file("/usr/share/man/man8/x.8.gz", 100);
    StripResult r = plan(t, safe().keep("/usr/share/man/man8/**"));
    assertTrue(r.isRemoved("/usr/share/man/man1"));
    assertFalse(r.isRemoved("/usr/share/man/man8/x.8.gz"));
    assertFalse(r.isRemoved("/usr/share/man"));
    StripReport.Decision d = find(r, "/usr/share/man/man8/x.8.gz");
    assertEquals("kept", d.getAction());
    assertEquals("keep", d.getCheck());
    // keep also beats a --remove
    StripResult r2 = plan(t, StripRules.builder().remove("/usr/**/*.gz").keep("**/ls.1.gz"));
    assertFalse(r2.isRemoved("/usr/share/man/man1/ls.1.gz"));
    assertTrue(r2.isRemoved("/usr/share/man/man8/x.8.gz"));
  }

  static StripReport.Decision find(StripResult r, String path) {
    for (StripReport.Decision d : r.report().getDecisions()) {
      if (d.getPath().equals(path)) {
        return d;
      }
    }
    throw new AssertionError("no decision for " + path);
  }

  /** A conda layout: base root with pkgs, include, a cross sysroot, and an env. */
  private static MapFileTree conda() {
    return new MapFileTree()
        .dir("/opt/conda/conda-meta")
        .text("/opt/conda/conda-meta/python-3.12.json", "{}")
        .file("/opt/conda/pkgs/numpy-2.0-py312.conda", 8_000_000)
        .file("/opt/conda/pkgs/numpy-2.0-py312/lib/python3.12/site-packages/numpy/__init__.py", 100)
        .file("/opt/conda/pkgs/urls.txt", 100)
        .file("/opt/conda/include/zlib.h", 4000)
        .file("/opt/conda/include/python3.12/Python.h", 3000)
        .file("/opt/conda/include/python3.12/pyconfig.h", 2000)
        .file("/opt/conda/x86_64-conda-linux-gnu/sysroot/usr/include/stdio.h", 900)
        .file("/opt/conda/x86_64-conda-linux-gnu/sysroot/lib64/libc.so.6", 2_000_000)
        .file("/opt/conda/lib/libz.so.1", 100_000)
        .file("/opt/conda/bin/python3.12", 10_000)
        .dir("/opt/conda/envs/app/conda-meta")
        .file("/opt/conda/envs/app/include/app.h", 500)
        .file("/opt/notconda/pkgs/keep.bin", 77)
        .file("/opt/notconda/include/keep.h", 77);
  }

  @Test
  void condaRootsDetectedAndCleaned() throws IOException {
    StripResult r = plan(conda(), safe());
    assertTrue(r.isRemoved("/opt/conda/pkgs"));
    assertTrue(r.isRemoved("/opt/conda/include/zlib.h"));
    assertFalse(
        r.isRemoved("/opt/conda/include/python3.12/Python.h"), "python include dir stays whole");
    assertFalse(r.isRemoved("/opt/conda/include/python3.12/pyconfig.h"));
    assertTrue(r.isRemoved("/opt/conda/x86_64-conda-linux-gnu"));
    assertTrue(r.isRemoved("/opt/conda/envs/app/include"), "env roots count");
    assertFalse(
        r.isRemoved("/opt/notconda/pkgs/keep.bin"), "no conda-meta beside: not a conda root");
    assertFalse(r.isRemoved("/opt/notconda/include/keep.h"));
    assertFalse(r.isRemoved("/opt/conda/lib/libz.so.1"));
    assertEquals(
        8_000_000 + 100 + 100, r.report().getRuleTotals().get("package-manager-caches").getBytes());
    assertEquals(2_000_900, r.report().getRuleTotals().get("cross-toolchains").getBytes());
    assertEquals(4500, r.report().getRuleTotals().get("headers").getBytes());
  }

  @Test
  void compilerPresentKeepsHeadersAndCondaSysroot() throws IOException {
    StripResult plain =
        plan(
            new MapFileTree().file("/usr/include/stdio.h", 10).file("/usr/local/include/x.h", 5),
            safe());
    assertTrue(plain.isRemoved("/usr/include"));
    assertTrue(plain.isRemoved("/usr/local/include"));

    MapFileTree t =
        new MapFileTree().file("/usr/include/stdio.h", 10).symlink("/usr/bin/cc", "gcc-12");
    StripResult r = plan(t, safe());
    assertFalse(r.isRemoved("/usr/include/stdio.h"));
    assertTrue(
        r.report().getNotes().stream().anyMatch(n -> n.contains("/usr/bin/cc")),
        r.report().getNotes().toString());

    MapFileTree c = conda().file("/opt/conda/bin/x86_64-conda-linux-gnu-gcc", 100);
    StripResult rc = plan(c, safe());
    assertFalse(rc.isRemoved("/opt/conda/x86_64-conda-linux-gnu/sysroot/lib64/libc.so.6"));
    assertFalse(rc.isRemoved("/opt/conda/include/zlib.h"));
    assertTrue(rc.isRemoved("/opt/conda/pkgs"));
  }

  @Test
  void compilerInARemovedPackageKeepsNoHeaders() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .text(
                "/var/lib/dpkg/status",
                "Package: gcc\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12\n\n"
                    + "Package: libc6-dev\nStatus: install ok installed\nArchitecture: amd64\n"
                    + "Version: 2.36\n\n")
            .text("/var/lib/dpkg/info/gcc.list", "/usr\n/usr/bin\n/usr/bin/gcc\n/usr/bin/cc\n")
            .text("/var/lib/dpkg/info/libc6-dev.list", "/usr\n/usr/include\n/usr/include/stdio.h\n")
            .file("/usr/bin/gcc", 1000)
            .symlink("/usr/bin/cc", "gcc")
            .file("/usr/include/stdio.h", 10);
    StripResult kept = plan(t, safe());
    assertFalse(kept.isRemoved("/usr/include/stdio.h"), "gcc stays, so do the headers");

    StripResult r = plan(t, safe().removePackage("gcc"));
    assertTrue(r.isRemoved("/usr/bin/gcc"));
    assertTrue(r.isRemoved("/usr/include/stdio.h"), "gcc goes, so the headers go too");
    assertTrue(
        r.report().getNotes().stream().noneMatch(n -> n.startsWith("headers: kept")),
        r.report().getNotes().toString());
  }

  @Test
  void packageManagerCaches() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/var/lib/apt/lists/deb.debian.org_InRelease", 100)
            .file("/var/cache/apt/pkgcache.bin", 200)
            .file("/var/cache/apt/archives/curl_8.deb", 300)
            .file("/var/cache/apt/archives/lock", 0)
            .file("/var/cache/apk/APKINDEX.tar.gz", 400)
            .file("/var/cache/dnf/x.solv", 500)
            .file("/var/cache/yum/y", 600)
            .file("/root/.cache/pip/http/a", 700)
            .file("/home/u/.npm/_cacache/index-v5/x", 800)
            .file("/home/u/.cache/yarn/v6/x", 900)
            .file("/usr/local/share/.cache/yarn/v6/y", 1000)
            .file("/root/.cache/go-build/ab/cd", 1100)
            .file("/var/lib/apt/extended_states", 5);
    StripResult r = plan(t, safe());
    assertEquals(
        100 + 200 + 300 + 400 + 500 + 600 + 700 + 800 + 900 + 1000 + 1100, r.bytesRemoved());
    assertFalse(r.isRemoved("/var/cache/apt/archives/lock"));
    assertFalse(r.isRemoved("/var/lib/apt/extended_states"));
    assertFalse(
        r.isRemoved("/var/lib/apt/lists"), "the lists dir itself stays, only its contents go");
  }

  @Test
  void optInPresets() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/lib/python3/dist-packages/a/__pycache__/x.cpython-311.pyc", 10)
            .file("/app/old.pyc", 20)
            .file("/app/main.py", 30)
            .file("/opt/conda/lib/python3.12/site-packages/numpy/tests/test_a.py", 40)
            .file("/opt/conda/lib/python3.12/site-packages/numpy/test/x.py", 45)
            .file("/opt/conda/lib/python3.12/site-packages/numpy/testing/x.py", 50)
            .file("/usr/lib/x86_64-linux-gnu/libz.a", 60)
            .file("/usr/lib/x86_64-linux-gnu/libz.la", 70)
            .file("/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a", 80)
            .file("/usr/share/locale/de/LC_MESSAGES/x.mo", 90)
            .file("/usr/share/locale/en_GB/LC_MESSAGES/x.mo", 100)
            .file("/usr/share/locale/C.UTF-8/x", 5)
            .file("/usr/share/locale/locale.alias", 6)
            .file("/usr/share/locale/fr/LC_MESSAGES/x.mo", 110);
    StripResult none = plan(t, safe());
    assertEquals(0, none.bytesRemoved(), "opt-in presets are not in safe");
    StripResult r =
        plan(
            t,
            StripRules.builder()
                .preset("pycache")
                .preset("tests")
                .preset("static-libs")
                .preset("locale")
                .keep("/usr/share/locale/fr/**"));
    assertTrue(r.isRemoved("/usr/lib/python3/dist-packages/a/__pycache__"));
    assertTrue(r.isRemoved("/app/old.pyc"));
    assertFalse(r.isRemoved("/app/main.py"));
    assertTrue(r.isRemoved("/opt/conda/lib/python3.12/site-packages/numpy/tests"));
    assertTrue(r.isRemoved("/opt/conda/lib/python3.12/site-packages/numpy/test"));
    assertFalse(r.isRemoved("/opt/conda/lib/python3.12/site-packages/numpy/testing/x.py"));
    assertTrue(r.isRemoved("/usr/lib/x86_64-linux-gnu/libz.a"));
    assertTrue(r.isRemoved("/usr/lib/x86_64-linux-gnu/libz.la"));
    assertFalse(
        r.isRemoved("/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a"), "toolchain static libs stay");
    assertTrue(r.isRemoved("/usr/share/locale/de"));
    assertFalse(r.isRemoved("/usr/share/locale/en_GB/LC_MESSAGES/x.mo"));
    assertFalse(r.isRemoved("/usr/share/locale/C.UTF-8/x"));
    assertFalse(r.isRemoved("/usr/share/locale/locale.alias"));
    assertFalse(
        r.isRemoved("/usr/share/locale/fr/LC_MESSAGES/x.mo"), "--keep adds to locale's exceptions");
    assertEquals(10 + 20 + 40 + 45 + 60 + 70 + 90, r.bytesRemoved());
  }

  private static MapFileTree simdTree() {
    String sp = "/opt/conda/lib/python3.12/site-packages";
    return new MapFileTree()
        .file("/usr/lib/x86_64-linux-gnu/libm.so.6", 100)
        .file("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libfoo.so.1", 2)
        .file("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfoo.so.1", 3)
        .file("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v4/libfoo.so.1", 4)
        .file("/usr/lib/x86_64-linux-gnu/libfoo.so.1", 1)
        .file("/usr/lib64/haswell/libbar.so", 30)
        .file("/usr/lib64/avx512_1/libbar.so", 40)
        .file("/usr/lib64/x86_64/libbar.so", 50)
        .file(sp + "/_polars_runtime_compat/_polars_runtime_compat.abi3.so", 1000)
        .file(sp + "/polars_runtime_compat-1.35.0.dist-info/RECORD", 10)
        .file(sp + "/_polars_runtime_32/_polars_runtime_32.abi3.so", 2000)
        .file(sp + "/polars_runtime_32-1.35.0.dist-info/RECORD", 20)
        .file(sp + "/polars/__init__.py", 5);
  }

  @Test
  void simdLevels() throws IOException {
    String sp = "/opt/conda/lib/python3.12/site-packages";
    String hw = "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/";
    for (int level = 1; level <= 4; level++) {
      StripResult r =
          plan(
              simdTree(),
              StripRules.builder().preset("simd-variants").cpuLevel("x86-64-v" + level));
      for (int k = 2; k <= 4; k++) {
        assertEquals(k > level, r.isRemoved(hw + "x86-64-v" + k), "v" + k + " at level " + level);
      }
      assertFalse(r.isRemoved("/usr/lib/x86_64-linux-gnu/libfoo.so.1"));
      assertEquals(level < 3, r.isRemoved("/usr/lib64/haswell"));
      assertEquals(level < 4, r.isRemoved("/usr/lib64/avx512_1"));
      assertFalse(r.isRemoved("/usr/lib64/x86_64/libbar.so"), "baseline platform dir stays");
      // polars: compat needs v2 and is tried first; the 32/64 runtimes need v3 (AVX2, FMA, BMI,
      // ...).
      boolean compatGone = r.isRemoved(sp + "/_polars_runtime_compat");
      boolean fastGone = r.isRemoved(sp + "/_polars_runtime_32");
      assertFalse(compatGone && fastGone, "one runtime always stays");
      assertEquals(level >= 3, compatGone, "level " + level);
      assertEquals(level >= 3, r.isRemoved(sp + "/polars_runtime_compat-1.35.0.dist-info"));
      assertEquals(level == 2, fastGone, "level " + level);
      if (level >= 2) {
        assertFalse(
            r.isRemoved(level >= 3 ? sp + "/_polars_runtime_32" : sp + "/_polars_runtime_compat"),
            "the runtime that level needs stays");
      }
    }
    // only a compat runtime: never dropped, whatever the level
    MapFileTree only = new MapFileTree().file(sp + "/_polars_runtime_compat/x.so", 10);
    assertFalse(
        plan(only, StripRules.builder().preset("simd-variants").cpuLevel("v4"))
            .isRemoved(sp + "/_polars_runtime_compat"));
  }

  @Test
  void symlinkToStrippedDocIsKept() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/share/doc/tool/examples/config.yaml", 123)
            .file("/usr/share/doc/tool/changelog", 456)
            .symlink("/etc/tool/config.yaml", "../../usr/share/doc/tool/examples/config.yaml");
    StripResult forced = plan(t, safe().force(true));
    assertTrue(
        forced.isRemoved("/usr/share/doc/tool/examples/config.yaml"),
        "without the check it would dangle");
    StripResult r = plan(t, safe());
    assertFalse(r.isRemoved("/usr/share/doc/tool/examples/config.yaml"));
    assertTrue(r.isRemoved("/usr/share/doc/tool/changelog"));
    StripReport.Decision d = find(r, "/usr/share/doc/tool/examples/config.yaml");
    assertEquals("symlink", d.getCheck());
    assertEquals(123, r.report().getCheckTotals().get("symlink").getBytes());
  }

  @Test
  void symlinkChainThroughDirectoryAndAbsoluteLinks() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/share/doc/x/a.txt", 1)
            .symlink("/opt/d", "/usr/share/doc")
            .symlink("/opt/l1", "l2")
            .symlink("/opt/l2", "/opt/d/x/a.txt")
            .symlink("/opt/loop1", "loop2")
            .symlink("/opt/loop2", "loop1");
    StripResult r = plan(t, safe());
    assertFalse(r.isRemoved("/usr/share/doc/x/a.txt"));
    // /opt/d points at the whole doc directory: its subtree stays
    assertFalse(r.isRemoved("/usr/share/doc"));
  }

  @Test
  void jdkSrcZipChainGoesTogether() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/lib/jvm/openjdk-17/lib/src.zip", 50_000_000)
            .symlink("/usr/lib/jvm/openjdk-17/src.zip", "lib/src.zip")
            .symlink("/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip", "../../openjdk-17/src.zip")
            .file("/usr/lib/jvm/java-17-openjdk-amd64/lib/libjvm.so", 100);
    StripResult r = plan(t, safe());
    assertTrue(r.isRemoved("/usr/lib/jvm/openjdk-17/lib/src.zip"));
    assertTrue(r.isRemoved("/usr/lib/jvm/openjdk-17/src.zip"), "middle link goes with its chain");
    assertTrue(r.isRemoved("/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip"));
    assertEquals(50_000_000, r.bytesRemoved());
    assertEquals(3, r.report().getRuleTotals().get("jdk-src").getEntries());
    // another surviving link into the chain brings the whole chain back
    StripResult r2 =
        plan(t.symlink("/opt/ide/jdk-src.zip", "/usr/lib/jvm/openjdk-17/src.zip"), safe());
    assertFalse(r2.isRemoved("/usr/lib/jvm/openjdk-17/lib/src.zip"));
    assertFalse(r2.isRemoved("/usr/lib/jvm/openjdk-17/src.zip"));
    assertEquals(0, r2.bytesRemoved());
  }

  @Test
  void scriptInterpreterKept() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/opt/tools/bin/python3.11", 5000)
            .symlink("/opt/tools/bin/python3", "python3.11")
            .script("/usr/local/bin/run", "#!/opt/tools/bin/python3 -u\nprint(1)\n")
            .file("/usr/bin/env", 100)
            .file("/opt/perl/bin/perl", 700)
            .symlink("/usr/bin/perl", "/opt/perl/bin/perl")
            .script("/usr/local/bin/run2", "#!/usr/bin/env perl\nprint 1;\n")
            .file("/opt/unused/bin/ruby", 900);
    StripRules.Builder b = StripRules.builder().remove("/opt/*/bin/**");
    StripResult forced = plan(t, StripRules.builder().remove("/opt/*/bin/**").force(true));
    assertTrue(forced.isRemoved("/opt/tools/bin/python3.11"));
    StripResult r = plan(t, b);
    assertFalse(r.isRemoved("/opt/tools/bin/python3.11"), "interpreter through a symlink");
    assertFalse(r.isRemoved("/opt/tools/bin/python3"));
    assertFalse(r.isRemoved("/opt/perl/bin/perl"), "env perl found in PATH, through /usr/bin/perl");
    assertTrue(r.isRemoved("/opt/unused/bin/ruby"));
    assertEquals("interpreter", find(r, "/opt/tools/bin/python3.11").getCheck());
    assertEquals(900, r.bytesRemoved());
  }

  @Test
  void hardlinkPartlyStrippedKeepsContent() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/share/doc/x/data.bin", 1000)
            .hardlink("/usr/lib/x/data.bin", "/usr/share/doc/x/data.bin")
            .file("/usr/share/doc/y/a", 10)
            .hardlink("/usr/share/doc/y/b", "/usr/share/doc/y/a");
    StripResult r = plan(t, safe());
    assertTrue(r.isRemoved("/usr/share/doc/x/data.bin"));
    assertFalse(r.isRemoved("/usr/lib/x/data.bin"));
    assertEquals(0, find(r, "/usr/share/doc/x/data.bin").getSizeBytes());
    assertEquals(10, r.bytesRemoved(), "a fully removed group counts once");
    assertEquals(1000, r.report().getCheckTotals().get("hardlink").getBytes());
  }

  @Test
  void firstRuleInPriorityOrderGetsTheBytes() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .file("/usr/share/doc/p/__pycache__/a.pyc", 7)
            .file("/usr/share/doc/p/b.pyc", 11)
            .file("/srv/x.pyc", 13);
    StripResult r =
        plan(t, StripRules.builder().remove("/srv/**").preset("pycache").preset("safe"));
    Map<String, StripReport.Totals> tot = r.report().getRuleTotals();
    assertEquals(18, tot.get("docs").getBytes(), "docs comes before pycache");
    assertEquals(13, tot.get("pycache").getBytes(), "pycache comes before --remove");
    assertEquals(0, tot.get("remove:/srv/**").getBytes(), "presets come before --remove");
    assertEquals(31, r.bytesRemoved());
  }

  @Test
  void reportSerialisesToJson() throws Exception {
    StripResult r = plan(conda(), safe());
    byte[] json = Json.mapper().writeValueAsBytes(r.report());
    JsonNode n = Json.parse(json);
    assertEquals(r.bytesRemoved(), n.get("bytesRemoved").asLong());
    assertTrue(n.get("ruleTotals").has("package-manager-caches"));
    assertTrue(n.get("decisions").isArray());
    assertEquals("removed", n.get("decisions").get(0).get("action").asText());
    assertFalse(Presets.describe().isEmpty());
    for (Preset p : Presets.all()) {
      assertTrue(Presets.describe().contains(p.name()));
      assertFalse(p.reason().isEmpty());
      assertFalse(p.unsafeWhen().isEmpty());
    }
    assertEquals(
        List.of("package-manager-caches", "docs", "headers", "cross-toolchains", "jdk-src"),
        StripRules.builder().preset("safe").build().activePresets().stream()
            .map(Preset::name)
            .toList());
  }
}
