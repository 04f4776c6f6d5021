package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --remove-package} end to end on small docker archives with a dpkg database: the files go,
 * the status entry and info files go, refusals and bad selectors get one line, a partial squash
 * writes the rewritten status over the kept layer, and the output is reproducible. Real Debian
 * packages: {@code DebianPackagesTest}.
 */
class RemovePackageCliTest {
  @TempDir Path dir;

  private static final String STATUS =
      "Package: base\nStatus: install ok installed\nPriority: required\nVersion: 1\n\n"
          + "Package: tool\nStatus: install ok installed\nVersion: 2\nDepends: base\n\n"
          + "Package: addon\nStatus: install ok installed\nVersion: 3\nDepends: tool (>= 2)\n\n";

  private Path image(boolean statusInBase) throws IOException {
    byte[] top =
        statusInBase
            ? TestImages.layer("app/run", "#!/bin/sh\n")
            : TestImages.layer("var/lib/dpkg/status", STATUS, "app/run", "#!/bin/sh\n");
    Path p = dir.resolve(statusInBase ? "base.tar" : "image.tar");
    Files.write(p, TestImages.dockerArchive(baseLayer(statusInBase), top));
    return p;
  }

  /** The packages' files and lists; the status file empty unless {@code statusInBase}. */
  private static byte[] baseLayer(boolean statusInBase) throws IOException {
    return TestImages.layer(
        "var/lib/dpkg/status", statusInBase ? STATUS : "",
        "var/lib/dpkg/info/base.list", "/.\n/bin\n/bin/sh\n",
        "var/lib/dpkg/info/tool.list",
            "/.\n/usr\n/usr/share\n/usr/share/tool\n/usr/share/tool/data.txt\n/bin\n/bin/tool\n",
        "var/lib/dpkg/info/tool.md5sums", "00  bin/tool\n",
        "var/lib/dpkg/info/addon.list", "/.\n/usr\n/usr/share\n/usr/share/addon.txt\n",
        "bin/sh", "#!/bin/sh\n",
        "bin/tool", "#!/bin/sh\necho tool\n",
        "usr/share/tool/data.txt", "data\n",
        "usr/share/addon.txt", "addon\n");
  }

  @Test
  void removesThePackagesFilesAndItsDatabaseEntry() throws Exception {
    Path out = dir.resolve("o.tar");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            image(false).toString(),
            "-o",
            out.toString(),
            "--compression",
            "none",
            "--remove-package",
            "dpkg:addon",
            "--remove-package",
            "tool");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("packages removed: dpkg:tool 2, dpkg:addon 3"), r.out);
    Map<String, byte[]> files = topLayer(out);
    assertFalse(files.containsKey("bin/tool"));
    assertFalse(files.containsKey("usr/share/tool/data.txt"));
    assertFalse(
        files.containsKey("usr/share/tool/"), "the directory only tool listed: " + files.keySet());
    assertFalse(files.containsKey("usr/share/addon.txt"));
    assertFalse(files.containsKey("var/lib/dpkg/info/tool.list"));
    assertFalse(files.containsKey("var/lib/dpkg/info/tool.md5sums"));
    assertTrue(files.containsKey("bin/sh") && files.containsKey("var/lib/dpkg/info/base.list"));
    assertEquals(
        "Package: base\nStatus: install ok installed\nPriority: required\nVersion: 1\n\n",
        new String(files.get("var/lib/dpkg/status"), StandardCharsets.UTF_8));
    Path again = dir.resolve("again.tar");
    CliTest.Run r2 =
        CliTest.cli(
            "squash",
            image(false).toString(),
            "-o",
            again.toString(),
            "--compression",
            "none",
            "--remove-package",
            "dpkg:addon",
            "--remove-package",
            "tool");
    assertEquals(0, r2.exit, r2.err);
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "reproducible");
  }

  @Test
  void aPartialSquashWritesTheRewrittenStatusOverTheKeptLayer() throws Exception {
    Path out = dir.resolve("o.tar");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            image(true).toString(),
            "-o",
            out.toString(),
            "--compression",
            "none",
            "--from",
            "1",
            "--remove-package",
            "addon");
    assertEquals(0, r.exit, r.err);
    Map<String, byte[]> files = topLayer(out);
    assertEquals(
        STATUS.substring(0, STATUS.indexOf("Package: addon")),
        new String(files.get("var/lib/dpkg/status"), StandardCharsets.UTF_8));
    assertTrue(files.containsKey("usr/share/.wh.addon.txt"), files.keySet().toString());
    assertTrue(files.containsKey("var/lib/dpkg/info/.wh.addon.list"), files.keySet().toString());
  }

  /**
   * The status file is rewritten in place, so it must be the only name of its content: a hardlink
   * to it would change too. Whether it has another name is found by the planned tree's count of
   * linked names.
   */
  @Test
  void aHardlinkedStatusFileIsNotRewritten() throws Exception {
    java.io.ByteArrayOutputStream top = new java.io.ByteArrayOutputStream();
    dev.ocisquash.tar.TarWriter w = new dev.ocisquash.tar.TarWriter(top);
    byte[] status = STATUS.getBytes(StandardCharsets.UTF_8);
    w.putEntry(
        TarEntry.builder(TarEntryType.REGULAR, "var/lib/dpkg/status").size(status.length).build());
    w.write(status, 0, status.length);
    w.putEntry(
        TarEntry.builder(TarEntryType.HARDLINK, "var/backups/status")
            .linkTarget("var/lib/dpkg/status")
            .build());
    w.finish();
    Path img = dir.resolve("linked.tar");
    Files.write(img, TestImages.dockerArchive(baseLayer(false), top.toByteArray()));
    CliTest.Run r =
        CliTest.cli(
            "squash",
            img.toString(),
            "-o",
            dir.resolve("l.tar").toString(),
            "--remove-package",
            "addon");
    assertEquals(6, r.exit, r.err);
    assertTrue(
        r.err.contains("var/lib/dpkg/status")
            && r.err.contains("cannot rewrite a package database that is not a plain file"),
        r.exit + " " + r.err);
    assertFalse(Files.exists(dir.resolve("l.tar")), "nothing written");
  }

  @Test
  void refusalsAndBadSelectorsGetOneLine() throws Exception {
    Path img = image(false);
    CliTest.Run dep =
        CliTest.cli(
            "squash",
            img.toString(),
            "-o",
            dir.resolve("a.tar").toString(),
            "--remove-package",
            "tool");
    assertEquals(2, dep.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove dpkg:tool: kept packages depend on it: dpkg:addon",
        dep.err.strip());
    CliTest.Run req =
        CliTest.cli(
            "squash",
            img.toString(),
            "-o",
            dir.resolve("b.tar").toString(),
            "--remove-package",
            "base",
            "--remove-package",
            "tool",
            "--remove-package",
            "addon",
            "--force");
    assertEquals(2, req.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove dpkg:base: it is essential (Priority: required)",
        req.err.strip());
    CliTest.Run unknown =
        CliTest.cli(
            "squash",
            img.toString(),
            "-o",
            dir.resolve("c.tar").toString(),
            "--remove-package",
            "nosuch*");
    assertEquals(2, unknown.exit);
    assertEquals(
        "ocisquash: error: --remove-package nosuch*: no installed package matches (databases: dpkg)",
        unknown.err.strip());
    CliTest.Run noDb =
        CliTest.cli(
            "squash",
            img.toString(),
            "-o",
            dir.resolve("d.tar").toString(),
            "--remove-package",
            "npm:left-pad");
    assertEquals(2, noDb.exit);
    assertEquals(
        "ocisquash: error: --remove-package npm:left-pad: the image has no npm database",
        noDb.err.strip());
    assertFalse(
        Files.exists(dir.resolve("a.tar")) || Files.exists(dir.resolve("d.tar")),
        "nothing left behind");
  }

  @Test
  void rulesFilesNameRemovedPackages() throws Exception {
    Path rules = dir.resolve("rules.json");
    Files.writeString(rules, "{\"removePackages\": [\"dpkg:add*\"]}");
    Path out = dir.resolve("o.tar");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            image(false).toString(),
            "-o",
            out.toString(),
            "--compression",
            "none",
            "--rules",
            rules.toString());
    assertEquals(0, r.exit, r.err);
    assertFalse(topLayer(out).containsKey("usr/share/addon.txt"));
    Files.writeString(rules, "{\"removePackages\": [\"dpkg:\"]}");
    CliTest.Run bad =
        CliTest.cli(
            "squash",
            image(false).toString(),
            "-o",
            dir.resolve("x.tar").toString(),
            "--rules",
            rules.toString());
    assertEquals(2, bad.exit);
    assertEquals(
        "ocisquash: error: " + rules + ": --remove-package 'dpkg:' names no package",
        bad.err.strip());
  }

  /** The top layer's entries (directories with a trailing slash) and their content. */
  static Map<String, byte[]> topLayer(Path archive) throws IOException {
    Map<String, byte[]> members = new HashMap<>();
    try (InputStream in = Files.newInputStream(archive)) {
      TarReader outer = new TarReader(in, archive.toString());
      for (TarEntry e = outer.next(); e != null; e = outer.next()) {
        if (e.type() == TarEntryType.REGULAR) {
          members.put(e.path(), outer.content().readAllBytes());
        }
      }
    }
    JsonNode manifest = new ObjectMapper().readTree(members.get("manifest.json"));
    JsonNode layers = manifest.get(0).path("Layers");
    TarReader t =
        new TarReader(
            new ByteArrayInputStream(members.get(layers.get(layers.size() - 1).asText())), "l");
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (TarEntry e = t.next(); e != null; e = t.next()) {
      out.put(
          e.path() + (e.isDirectory() && !e.path().endsWith("/") ? "/" : ""),
          t.content().readAllBytes());
    }
    return out;
  }
}
