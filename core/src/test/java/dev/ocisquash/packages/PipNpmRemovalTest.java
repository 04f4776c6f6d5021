package dev.ocisquash.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.strip.MapFileTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pip and npm removal on in-memory trees; the real-package tests are in the CLI's integration tier.
 */
class PipNpmRemovalTest {
  private static final String SITE = "/usr/local/lib/python3.11/site-packages";

  static MapFileTree pip() {
    return new MapFileTree()
        .text(
            SITE + "/requests-2.31.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n"
                + "Requires-Dist: charset-normalizer (<4,>=2)\nRequires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\n"
                + "Requires-Dist: urllib3<3,>=1.21.1\n\nbody\nRequires-Dist: not-a-header\n")
        .text(
            SITE + "/requests-2.31.0.dist-info/RECORD",
            "requests/__init__.py,sha256=x,10\n"
                + "requests-2.31.0.dist-info/METADATA,,\nrequests-2.31.0.dist-info/RECORD,,\n")
        .text(SITE + "/requests/__init__.py", "#\n")
        .text(
            SITE + "/Charset_Normalizer-3.3.2.dist-info/METADATA",
            "Name: charset-normalizer\nVersion: 3.3.2\n")
        .text(
            SITE + "/Charset_Normalizer-3.3.2.dist-info/RECORD",
            "charset_normalizer/api.py,,\n" + "../../../bin/normalizer,,\n")
        .text(SITE + "/charset_normalizer/api.py", "#\n")
        .text("/usr/local/bin/normalizer", "#!/usr/bin/python3\n")
        .text(SITE + "/PySocks-1.7.1.dist-info/METADATA", "Name: PySocks\n")
        .text(SITE + "/PySocks-1.7.1.dist-info/RECORD", "socks.py,,\n")
        .text(SITE + "/socks.py", "#\n");
  }

  static RemovalPlan plan(MapFileTree t, boolean force, String... selectors) throws Exception {
    return PackageRemoval.plan(t, Installed.read(t), new RemovalRequest(List.of(selectors), force));
  }

  @Test
  void pipDependenciesCountWithoutExtras() throws Exception {
    assertEquals(
        List.of(), plan(pip(), false, "pip:pysocks").refusals(), "only the socks extra needs it");
    RemovalPlan p = plan(pip(), false, "pip:Charset_Normalizer");
    assertEquals(
        List.of("pip:requests (" + SITE + "/requests-2.31.0.dist-info)"),
        p.refusals().get(0).dependents());
  }

  @Test
  void pipRemovalTakesTheRecordedFilesAndTheDistInfo() throws Exception {
    RemovalPlan p = plan(pip(), true, "pip:charset-normalizer");
    assertEquals(
        List.of(
            "/usr/local/bin/normalizer",
            SITE + "/charset_normalizer",
            SITE + "/charset_normalizer/api.py"),
        List.copyOf(p.paths()));
    assertEquals(
        List.of(
            SITE + "/Charset_Normalizer-3.3.2.dist-info",
            SITE + "/Charset_Normalizer-3.3.2.dist-info/METADATA",
            SITE + "/Charset_Normalizer-3.3.2.dist-info/RECORD"),
        List.copyOf(p.databasePaths()));
  }

  @Test
  void recordFieldsAndNamesParse() {
    assertEquals("q\"x,y", PipReader.firstCsvField("\"q\"\"x,y\",sha,1"));
    assertEquals("zope-interface", PipReader.normalise("zope.interface"));
    assertEquals("charset-normalizer", PipReader.requirement("Charset_Normalizer (<4,>=2)"));
    assertEquals(null, PipReader.requirement("pytest>=7 ; extra == \"test\""));
    assertEquals(
        "typing-extensions", PipReader.requirement("typing-extensions; python_version < \"3.11\""));
  }

  static MapFileTree npm() {
    return new MapFileTree()
        .text("/app/package.json", "{\"name\": \"app\", \"dependencies\": {\"express\": \"^4\"}}")
        .text(
            "/app/node_modules/express/package.json",
            "{\"name\": \"express\", \"version\": \"4.18.2\", \"dependencies\": {\"ms\": \"2.0.0\", \"debug\": \"2\"}}")
        .text("/app/node_modules/express/index.js", "//\n")
        .text(
            "/app/node_modules/express/node_modules/ms/package.json",
            "{\"name\": \"ms\", \"version\": \"2.0.0\"}")
        .text("/app/node_modules/ms/package.json", "{\"name\": \"ms\", \"version\": \"2.1.3\"}")
        .text("/app/node_modules/ms/index.js", "//\n")
        .text(
            "/app/node_modules/debug/package.json",
            "{\"name\": \"debug\", \"version\": \"2.6.9\", \"dependencies\": {\"ms\": \"2.0.0\"}}")
        .text(
            "/app/node_modules/@types/node/package.json",
            "{\"name\": \"@types/node\", \"version\": \"20.0.0\"}")
        .text("/app/node_modules/@types/node/index.d.ts", "//\n")
        .text(
            "/app/node_modules/.package-lock.json",
            "{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n"
                + "  \"requires\": true,\n  \"packages\": {\n    \"node_modules/@types/node\": {\n"
                + "      \"version\": \"20.0.0\",\n      \"dev\": true\n    },\n"
                + "    \"node_modules/express\": {\n      \"version\": \"4.18.2\"\n    },\n"
                + "    \"node_modules/express/node_modules/ms\": {\n      \"version\": \"2.0.0\"\n    }\n  }\n}\n");
  }

  @Test
  void npmRemovalRewritesTheHiddenLockfileAsNpmWritesIt() throws Exception {
    RemovalPlan p = plan(npm(), false, "npm:@types/*");
    assertEquals(
        List.of(
            "/app/node_modules/@types/node",
            "/app/node_modules/@types/node/index.d.ts",
            "/app/node_modules/@types/node/package.json"),
        List.copyOf(p.paths()),
        "@types itself holds nothing else");
    assertEquals(
        "{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\n"
            + "    \"node_modules/express\": {\n      \"version\": \"4.18.2\"\n    },\n"
            + "    \"node_modules/express/node_modules/ms\": {\n      \"version\": \"2.0.0\"\n    }\n  }\n}\n",
        new String(
            p.rewrites().get("/app/node_modules/.package-lock.json"), StandardCharsets.UTF_8));
  }

  @Test
  void npmDependenciesResolveAsNodeDoes() throws Exception {
    RemovalPlan ms = plan(npm(), false, "npm:/app/node_modules/ms");
    assertEquals(
        List.of("npm:debug (/app/node_modules/debug)"),
        ms.refusals().get(0).dependents(),
        "express finds its nested ms first");
    RemovalPlan express = plan(npm(), false, "express");
    assertEquals(List.of("npm:app (/app)"), express.refusals().get(0).dependents());
    RemovalPlan forced = plan(npm(), true, "express");
    assertEquals(2, forced.removed().size(), "the nested ms goes along");
    assertTrue(forced.paths().contains("/app/node_modules/express/node_modules/ms/package.json"));
    String lock =
        new String(
            forced.rewrites().get("/app/node_modules/.package-lock.json"), StandardCharsets.UTF_8);
    assertTrue(!lock.contains("express") && lock.contains("@types/node"), lock);
  }
}
