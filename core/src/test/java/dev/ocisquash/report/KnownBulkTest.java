package dev.ocisquash.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The categories of bulk the analysis recognises by path alone (no directory facts needed). */
class KnownBulkTest {
  private final KnownBulk kb = new KnownBulk(List.of());

  private static final String SP = "usr/lib/python3.12/site-packages";

  @Test
  void polarsRuntimesAreFoundWhereverTheirDirectoryIs() {
    assertEquals(
        SP + "/_polars_runtime_32",
        kb.matchRoot(SP + "/_polars_runtime_32/m.abi3.so", "polars-runtime"));
    assertEquals(
        SP + "/polars-runtime-compat",
        kb.matchRoot(SP + "/polars-runtime-compat/lib/x.so", "polars-runtime"));
    assertEquals(
        SP + "/polars_lts_cpu", kb.matchRoot(SP + "/polars_lts_cpu/x.so", "polars-runtime"));
    assertNull(kb.matchRoot(SP + "/polars/__init__.py", "polars-runtime"), "polars itself");
    assertNull(
        kb.matchRoot(SP + "/x/polars_runtime.py", "polars-runtime"), "a file, not a directory");
    assertEquals("polars-runtime", kb.categoryOf(SP + "/_polars_runtime_64/m.abi3.so"));
  }

  @Test
  void eachPathTakesTheFirstCategoryThatMatches() {
    assertEquals("opt/app/jre", kb.matchRoot("opt/app/jre/lib/modules", "bundled-jdk"));
    assertEquals("bundled-jdk", kb.categoryOf("opt/app/jre/lib/modules"));
    assertEquals("jdk-src-zip", kb.categoryOf("opt/app/jre/lib/src.zip"), "more specific first");
    assertEquals("pycache", kb.categoryOf(SP + "/tests/__pycache__/t.cpython-312.pyc"));
    assertEquals("tests", kb.categoryOf(SP + "/numpy/tests/test_a.py"));
    assertEquals("usr/share/doc", kb.matchRoot("usr/share/doc/bash/copyright", "docs"));
    assertEquals("apt-lists", kb.categoryOf("var/lib/apt/lists/deb.debian.org_Release"));
    assertNull(kb.categoryOf("usr/bin/bash"));
  }
}
