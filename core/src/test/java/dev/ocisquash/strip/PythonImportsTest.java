package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PythonImportsTest {
  private static final String INIT = "/usr/lib/python3/dist-packages/astropy/__init__.py";

  @Test
  void moduleNamesBelowTheLastPackageRoot() {
    assertEquals(
        "numpy.core.tests",
        PythonImports.moduleOf("/usr/lib/python3/dist-packages/numpy/core/tests"));
    assertEquals(
        "a.tests", PythonImports.moduleOf("/usr/local/lib/python3.11/site-packages/a/tests"));
    assertEquals(
        "b.tests",
        PythonImports.moduleOf("/opt/venv/lib/python3.12/site-packages/x/site-packages/b/tests"),
        "a vendored site-packages inside a package starts a new namespace");
    assertNull(
        PythonImports.moduleOf("/usr/lib/python3.11/test"),
        "the standard library is not below a root");
    assertNull(PythonImports.moduleOf("/usr/lib/python3/dist-packages"));
  }

  @Test
  void relativeImportsResolveAgainstTheFilesPackage() {
    Set<String> r = PythonImports.references("from .tests.runner import TestRunner\n", INIT);
    assertTrue(r.contains("astropy.tests"), r.toString());
    assertTrue(r.contains("astropy.tests.runner.TestRunner"));
    Set<String> parent =
        PythonImports.references(
            "from .. import tests as t\n", "/usr/lib/python3/dist-packages/pkg/sub/__init__.py");
    assertTrue(parent.contains("pkg.tests"), parent.toString());
    assertFalse(parent.contains("pkg.sub.tests"));
    Set<String> multi =
        PythonImports.references(
            "from . import (\n    core,\n    tests,  # the suite\n)\n",
            "/x/site-packages/pkg/__init__.py");
    assertTrue(multi.contains("pkg.tests") && multi.contains("pkg.core"), multi.toString());
    Set<String> continued =
        PythonImports.references(
            "from . import core, \\\n    tests\n", "/x/site-packages/pkg/__init__.py");
    assertTrue(continued.contains("pkg.tests"), continued.toString());
    // a directory named "pkg." ends in an empty part, which is no package level to climb
    Set<String> dotted =
        PythonImports.references("from . import t\n", "/x/site-packages/pkg./__init__.py");
    assertTrue(dotted.contains("pkg.t"), dotted.toString());
  }

  @Test
  void absoluteNamesAndImportModuleStringsCount() {
    Set<String> r =
        PythonImports.references(
            "import importlib\nfrom astropy import tests\n"
                + "def f():\n    return importlib.import_module('sunpy.tests.helpers')\n",
            INIT);
    assertTrue(r.contains("astropy.tests"));
    assertTrue(r.contains("sunpy.tests"), "prefixes of a dotted string count: " + r);
    assertTrue(r.contains("sunpy.tests.helpers"));
  }

  @Test
  void commentsAndDocstringsDoNotCount() {
    String src =
        "\"\"\"There are some tests in numpy.array_api.tests, but\n from .tests import x is prose.\"\"\"\n"
            + "import numpy.core  # see numpy.core.tests for the suite\n"
            + "x = '#not a comment'  # numpy.lib.tests\n"
            + "s = 'it''s' + \"\\\"\" + '''numpy.ma.tests'''\n";
    Set<String> r = PythonImports.references(src, "/x/dist-packages/numpy/array_api/__init__.py");
    assertTrue(r.contains("numpy.core"), r.toString());
    assertFalse(r.contains("numpy.array_api.tests"), r.toString());
    assertFalse(r.contains("numpy.core.tests"), r.toString());
    assertFalse(r.contains("numpy.lib.tests"), r.toString());
    assertFalse(r.contains("numpy.ma.tests"), r.toString());
    String blanked = PythonImports.blankCommentsAndDocstrings(src);
    assertEquals(src.length(), blanked.length());
    assertEquals(
        src.chars().filter(c -> c == '\n').count(), blanked.chars().filter(c -> c == '\n').count());
    assertTrue(blanked.contains("'#not a comment'"), "a # inside a string is not a comment");
  }
}
