package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The tests, jdk-jmods and static-libs presets on trees laid out as Debian, pip, conda and JDK
 * images lay them.
 */
class PresetMatchingTest {
  private static final String DEB = "/usr/lib/python3/dist-packages";
  private static final String PIP = "/usr/local/lib/python3.11/site-packages";

  private static StripResult plan(MapFileTree t, String... presets) throws IOException {
    StripRules.Builder b = StripRules.builder();
    for (String p : presets) {
      b.preset(p);
    }
    StripResult r = Stripper.plan(t, b.build());
    StripperTest.assertConsistent(t, r);
    return r;
  }

  @Test
  void testsDirectoriesAtAnyDepthInSiteAndDistPackages() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .text(DEB + "/numpy/__init__.py", "from . import core\n")
            .file(DEB + "/numpy/tests/test_public_api.py", 10)
            .file(DEB + "/numpy/core/tests/test_multiarray.py", 20)
            .file(DEB + "/numpy/core/tests/data/umath-validation-set-exp.csv", 30)
            .file(DEB + "/numpy/f2py/tests/src/array_from_pyobj/wrapmodule.c", 40)
            .file(DEB + "/numpy/testing/_private/utils.py", 1000)
            .file(DEB + "/numpy/core/_multiarray_tests.cpython-311-x86_64-linux-gnu.so", 2000)
            .file(PIP + "/pandas/tests/frame/test_api.py", 50)
            .file(PIP + "/pandas/_testing/__init__.py", 3000)
            .file(PIP + "/tornado/test/web_test.py", 60)
            .file(PIP + "/twisted/internet/test/test_tcp.py", 70)
            .file("/usr/lib/python2.7/dist-packages/six/tests/x.py", 80)
            .file("/opt/conda/lib/python3.12/site-packages/scipy/linalg/tests/test_basic.py", 90)
            .file(PIP + "/django/test/client.py", 4000)
            .file(PIP + "/tests/__init__.py", 5000)
            .file(PIP + "/mypkg/tests.py", 6000)
            .file("/usr/lib/python3.11/test/support/__init__.py", 7000)
            .file("/usr/share/perl/5.36/tests/x.t", 8000)
            .file("/app/tests/test_app.py", 9000);
    StripResult r = plan(t, "tests");
    for (String gone :
        new String[] {
          DEB + "/numpy/tests",
          DEB + "/numpy/core/tests",
          DEB + "/numpy/f2py/tests",
          PIP + "/pandas/tests",
          PIP + "/tornado/test",
          PIP + "/twisted/internet/test",
          "/usr/lib/python2.7/dist-packages/six/tests",
          "/opt/conda/lib/python3.12/site-packages/scipy/linalg/tests"
        }) {
      assertTrue(r.isRemoved(gone), gone);
      assertTrue(r.removedRoots().contains(gone), "removed whole: " + gone);
    }
    assertEquals(10 + 20 + 30 + 40 + 50 + 60 + 70 + 80 + 90, r.bytesRemoved(), "nothing else goes");
    assertFalse(
        r.isRemoved(DEB + "/numpy/testing/_private/utils.py"), "testing is an API, it stays");
    assertFalse(r.isRemoved(PIP + "/pandas/_testing/__init__.py"));
    assertFalse(
        r.isRemoved(PIP + "/django/test/client.py"), "django.test is Django's test framework");
    assertFalse(
        r.isRemoved(PIP + "/tests/__init__.py"),
        "a top-level package named tests is not inside a package");
    assertFalse(
        r.isRemoved("/usr/lib/python3.11/test/support/__init__.py"),
        "the standard library is left alone");
  }

  @Test
  void aTestsDirectoryThatAPackageImportsStays() throws IOException {
    MapFileTree t =
        new MapFileTree()
            // astropy runs its test runner from its own __init__.py
            .text(
                DEB + "/astropy/__init__.py",
                "from .tests.runner import TestRunner\ntest = TestRunner.x()\n")
            .text(DEB + "/astropy/tests/__init__.py", "")
            .file(DEB + "/astropy/tests/runner.py", 100)
            .file(DEB + "/astropy/tests/helper.py", 200)
            .text(DEB + "/astropy/tests/figures/__init__.py", "from astropy.io.tests import data\n")
            .file(DEB + "/astropy/io/tests/data/t.fits", 300)
            .file(DEB + "/astropy/units/tests/test_units.py", 400)
            // an affiliated package imports astropy's runner by its absolute name
            .text(PIP + "/photutils/__init__.py", "from astropy.tests.runner import TestRunner\n")
            .file(PIP + "/photutils/tests/test_x.py", 500)
            // numpy names its tests only in a docstring
            .text(DEB + "/numpy/array_api/__init__.py", "\"\"\"See numpy.array_api.tests.\"\"\"\n")
            .file(DEB + "/numpy/array_api/tests/test_a.py", 600);
    StripResult r = plan(t, "tests");
    assertFalse(r.isRemoved(DEB + "/astropy/tests/runner.py"));
    assertFalse(
        r.isRemoved(DEB + "/astropy/tests/helper.py"), "an imported tests directory stays whole");
    StripReport.Decision d = StripperTest.find(r, DEB + "/astropy/tests");
    assertEquals("python-import", d.getCheck());
    assertTrue(d.getReason().contains("astropy/__init__.py"), d.getReason());
    assertFalse(
        r.isRemoved(DEB + "/astropy/io/tests/data/t.fits"),
        "a kept tests directory's own __init__.py counts in the next round");
    assertTrue(r.isRemoved(DEB + "/astropy/units/tests"));
    assertTrue(r.isRemoved(PIP + "/photutils/tests"));
    assertTrue(r.isRemoved(DEB + "/numpy/array_api/tests"), "a docstring is not an import");
    assertEquals(400 + 500 + 600, r.bytesRemoved());
    assertEquals(
        100 + 200 + 300 + "from astropy.io.tests import data\n".length(),
        r.report().getCheckTotals().get("python-import").getBytes());
  }

  @Test
  void anImportFromARemovedFileKeepsNothing() throws IOException {
    MapFileTree t =
        new MapFileTree()
            .text(DEB + "/pkg/__init__.py", "")
            .text(DEB + "/pkg/tests/__init__.py", "from pkg.sub.tests import helpers\n")
            .file(DEB + "/pkg/sub/tests/helpers.py", 10);
    StripResult r = plan(t, "tests");
    assertTrue(r.isRemoved(DEB + "/pkg/tests"));
    assertTrue(r.isRemoved(DEB + "/pkg/sub/tests"), "only kept files can keep a tests directory");
  }

  @Test
  void jdkJmodsGoButWhatJavaAndJavacReadStays() throws IOException {
    String deb = "/usr/lib/jvm/java-17-openjdk-amd64";
    MapFileTree t =
        new MapFileTree()
            .file(deb + "/jmods/java.base.jmod", 20_000_000)
            .file(deb + "/jmods/jdk.compiler.jmod", 5_000_000)
            .file(deb + "/lib/modules", 130_000_000)
            .file(deb + "/lib/ct.sym", 8_000_000)
            .file(deb + "/bin/jlink", 10)
            .file("/opt/java/openjdk/jmods/java.base.jmod", 21_000_000)
            .file("/usr/java/jdk-17/jmods/java.sql.jmod", 1_000_000)
            .file("/usr/share/jmods/not-a-jdk.txt", 5);
    StripResult none = plan(t, "safe");
    assertEquals(0, none.bytesRemoved(), "jdk-jmods is opt-in");
    StripResult r = plan(t, "jdk-jmods");
    assertTrue(r.removedRoots().contains(deb + "/jmods"));
    assertTrue(r.removedRoots().contains("/opt/java/openjdk/jmods"), "Temurin's layout");
    assertTrue(r.removedRoots().contains("/usr/java/jdk-17/jmods"), "Oracle's layout");
    assertFalse(r.isRemoved(deb + "/lib/ct.sym"), "javac --release reads ct.sym");
    assertFalse(r.isRemoved(deb + "/lib/modules"));
    assertFalse(r.isRemoved("/usr/share/jmods/not-a-jdk.txt"));
    assertEquals(47_000_000, r.bytesRemoved());
    assertEquals(47_000_000, r.report().getRuleTotals().get("jdk-jmods").getBytes());
  }

  @Test
  void withACompilerStaticLibsKeepTheArchivesThatMinusLLinks() throws IOException {
    String lib = "/usr/lib/x86_64-linux-gnu";
    MapFileTree t =
        new MapFileTree()
            .text(
                lib + "/libc.so",
                "GROUP ( /lib/x86_64-linux-gnu/libc.so.6 " + lib + "/libc_nonshared.a )\n")
            .file(lib + "/libc_nonshared.a", 50)
            .file(lib + "/libc.a", 5_000_000)
            .file(lib + "/libdl.a", 8)
            .file(lib + "/libdl.so.2", 14_000)
            .symlink(lib + "/libcrypt.so", "/lib/x86_64-linux-gnu/libcrypt.so.1")
            .file(lib + "/libcrypt.a", 260_000)
            .file(lib + "/libfoo.la", 900)
            .file("/usr/lib/python3/dist-packages/numpy/core/lib/libnpymath.a", 49_000)
            .file("/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a", 70_000);
    StripResult noCompiler = plan(t, "static-libs");
    assertEquals(
        5_000_000 + 50 + 8 + 260_000 + 900 + 49_000,
        noCompiler.bytesRemoved(),
        "nothing links: all go");

    t.script("/usr/bin/gcc", "#!/bin/sh\n");
    StripResult r = plan(t, "static-libs");
    assertTrue(r.isRemoved(lib + "/libc.a"), "-lc takes libc.so");
    assertTrue(r.isRemoved(lib + "/libcrypt.a"), "a symlink twin counts");
    assertTrue(r.isRemoved(lib + "/libfoo.la"));
    assertFalse(
        r.isRemoved(lib + "/libc_nonshared.a"), "libc.so names it: every dynamic link reads it");
    assertFalse(
        r.isRemoved(lib + "/libdl.a"),
        "-ldl finds only libdl.a (libdl.so.2 is not a link-time name)");
    assertFalse(r.isRemoved("/usr/lib/python3/dist-packages/numpy/core/lib/libnpymath.a"));
    assertEquals(5_000_000 + 260_000 + 900, r.bytesRemoved());
    assertTrue(
        r.report().getNotes().stream().anyMatch(n -> n.startsWith("static-libs: kept 3 archives")),
        "libgcc.a is not counted, the toolchain exception keeps it anyway: "
            + r.report().getNotes());
  }
}
