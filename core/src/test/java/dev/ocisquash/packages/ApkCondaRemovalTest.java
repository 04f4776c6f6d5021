package dev.ocisquash.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.strip.MapFileTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * apk and conda removal on fixtures built from their documented formats: apk's installed database
 * V2 (https://wiki.alpinelinux.org/wiki/Apk_spec) and conda's {@code conda-meta/*.json} prefix
 * records.
 */
class ApkCondaRemovalTest {
  private static final String MUSL =
      "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nI:622592\nT:the musl c library\n"
          + "p:so:libc.musl-x86_64.so.1=1\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1x=\n"
          + "R:libc.musl-x86_64.so.1\na:0:0:777\nZ:Q1y=\n\n";
  private static final String BUSYBOX =
      "C:Q1def=\nP:busybox\nV:1.36.1-r15\nA:x86_64\n"
          + "D:so:libc.musl-x86_64.so.1 !busybox-extras\nF:bin\nR:busybox\nZ:Q1z=\n\n";
  private static final String CURL =
      "C:Q1ghi=\nP:curl\nV:8.5.0-r0\nA:x86_64\nD:musl>=1.2 so:libcurl.so.4\n"
          + "F:usr\nF:usr/bin\nR:curl\nZ:Q1w=\n\n";
  private static final String LIBCURL =
      "C:Q1jkl=\nP:libcurl\nV:8.5.0-r0\np:so:libcurl.so.4=4.8.0\n"
          + "F:usr\nF:usr/lib\nR:libcurl.so.4\n\n";

  static MapFileTree alpine() {
    return new MapFileTree()
        .text("/lib/apk/db/installed", MUSL + BUSYBOX + CURL + LIBCURL)
        .text("/etc/apk/world", "busybox\ncurl>=8\n")
        .file("/lib/ld-musl-x86_64.so.1", 600_000)
        .symlink("/lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
        .file("/bin/busybox", 800_000)
        .file("/usr/bin/curl", 250_000)
        .file("/usr/lib/libcurl.so.4", 400_000);
  }

  static RemovalPlan plan(MapFileTree t, boolean force, String... selectors) throws Exception {
    return PackageRemoval.plan(t, Installed.read(t), new RemovalRequest(List.of(selectors), force));
  }

  @Test
  void apkRemovalDropsTheStanzaAndTheWorldEntry() throws Exception {
    RemovalPlan p = plan(alpine(), false, "apk:curl");
    assertEquals(List.of(), p.refusals());
    assertEquals(
        List.of("/usr/bin", "/usr/bin/curl"),
        List.copyOf(p.paths()),
        "libcurl lists /usr: it stays; only curl lists /usr/bin");
    assertEquals(
        MUSL + BUSYBOX + LIBCURL,
        new String(p.rewrites().get("/lib/apk/db/installed"), StandardCharsets.UTF_8));
    assertEquals(
        "busybox\n", new String(p.rewrites().get("/etc/apk/world"), StandardCharsets.UTF_8));
  }

  @Test
  void apkDependenciesResolveThroughProvidedSonames() throws Exception {
    RemovalPlan p = plan(alpine(), false, "libcurl");
    assertEquals(
        "apk:libcurl: kept packages depend on it: apk:curl", p.refusals().get(0).message());
    RemovalPlan musl = plan(alpine(), false, "musl");
    assertEquals(List.of("apk:busybox", "apk:curl"), musl.refusals().get(0).dependents());
    RemovalPlan forced = plan(alpine(), true, "libcurl");
    assertEquals(List.of(), forced.refusals());
    assertEquals(List.of("/usr/lib", "/usr/lib/libcurl.so.4"), List.copyOf(forced.paths()));
    assertEquals(
        MUSL + BUSYBOX + CURL,
        new String(forced.rewrites().get("/lib/apk/db/installed"), StandardCharsets.UTF_8));
    assertTrue(!forced.rewrites().containsKey("/etc/apk/world"), "libcurl was not in world");
  }

  static MapFileTree conda() {
    return new MapFileTree()
        .text(
            "/opt/conda/conda-meta/python-3.11.7-hab00c5b_1.json",
            "{\"name\": \"python\", \"version\": \"3.11.7\","
                + " \"depends\": [\"libzlib >=1.2.13\", \"__glibc >=2.17\"], \"files\": [\"bin/python3.11\", \"lib/python3.11/os.py\"]}")
        .text("/opt/conda/lib/python3.11/os.py", "#\n")
        .text(
            "/opt/conda/conda-meta/numpy-1.26.4-py311h64a7726_0.json",
            "{\"name\": \"numpy\", \"version\": "
                + "\"1.26.4\", \"depends\": [\"python >=3.11,<3.12.0a0\", \"libzlib\"], \"files\": ["
                + "\"lib/python3.11/site-packages/numpy/__init__.py\", \"lib/python3.11/site-packages/numpy/core/x.so\"]}")
        .text(
            "/opt/conda/conda-meta/libzlib-1.2.13-hd590300_5.json",
            "{\"name\": \"libzlib\", \"version\": \"1.2.13\", \"files\": [\"lib/libz.so.1\"]}")
        .text("/opt/conda/conda-meta/history", "==> 2024 <==\n")
        .file("/opt/conda/bin/python3.11", 30_000)
        .text("/opt/conda/lib/python3.11/site-packages/numpy/__init__.py", "#\n")
        .file("/opt/conda/lib/python3.11/site-packages/numpy/core/x.so", 9_000)
        .file("/opt/conda/lib/libz.so.1", 100)
        .text(
            "/opt/other/conda-meta/numpy-1.0-0.json",
            "{\"name\": \"numpy\", \"depends\": [], \"files\": []}");
  }

  @Test
  void condaRemovalTakesTheRecordAndTheFilesAndEmptiedDirectories() throws Exception {
    RemovalPlan p = plan(conda(), false, "conda:numpy");
    assertEquals(2, p.removed().size(), "a glob-free name matches in every prefix");
    assertEquals(
        List.of(
            "/opt/conda/conda-meta/numpy-1.26.4-py311h64a7726_0.json",
            "/opt/other/conda-meta/numpy-1.0-0.json"),
        List.copyOf(p.databasePaths()));
    assertEquals(
        List.of(
            "/opt/conda/lib/python3.11/site-packages",
            "/opt/conda/lib/python3.11/site-packages/numpy",
            "/opt/conda/lib/python3.11/site-packages/numpy/__init__.py",
            "/opt/conda/lib/python3.11/site-packages/numpy/core",
            "/opt/conda/lib/python3.11/site-packages/numpy/core/x.so"),
        List.copyOf(p.paths()),
        "the directories left empty go; lib/python3.11 holds python's os.py");
    assertTrue(p.rewrites().isEmpty(), "conda keeps no shared database file");
  }

  @Test
  void condaDependentsAreFoundWithinTheirPrefix() throws Exception {
    RemovalPlan p = plan(conda(), false, "conda:libzlib");
    assertEquals(
        List.of("conda:numpy (/opt/conda:numpy)", "conda:python (/opt/conda:python)"),
        p.refusals().get(0).dependents());
    assertEquals(List.of(), plan(conda(), true, "conda:libzlib").refusals());
    assertEquals(
        List.of("conda:numpy (/opt/conda:numpy)"),
        plan(conda(), false, "conda:python").refusals().get(0).dependents());
  }
}
