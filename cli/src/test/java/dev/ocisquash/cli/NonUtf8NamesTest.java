package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names are bytes: two names that differ only in bytes that are not UTF-8 ({@code caf\xe9} and
 * {@code caf\xe8}, as a Latin-1 system writes them) decode to the same string under a lenient UTF-8
 * decode. They must stay two paths with their own strip decisions and their own report rows.
 */
class NonUtf8NamesTest {
  @TempDir Path tmp;

  private static final byte[] E9 = latin1("opt/caf\u00e9");
  private static final byte[] E8 = latin1("opt/caf\u00e8");

  private Path image() throws IOException {
    byte[] link = RawTar.header("usr/bin/tool", '2', 0);
    byte[] target = latin1("/opt/caf\u00e9");
    System.arraycopy(target, 0, link, 157, target.length);
    RawTar.checksum(link);
    byte[] base = TestImages.layer("etc/hostname", "box\n".getBytes(StandardCharsets.UTF_8));
    byte[] top =
        RawTar.of(
            RawTar.header("opt/", '5', 0),
            RawTar.header("usr/", '5', 0),
            RawTar.header("usr/bin/", '5', 0),
            RawTar.header(E9, '0', 100),
            RawTar.padded(new byte[100]),
            RawTar.header(E8, '0', 3000),
            RawTar.padded(new byte[3000]),
            link);
    Path in = tmp.resolve("latin1.tar");
    Files.write(in, TestImages.dockerArchive(base, top));
    return in;
  }

  @Test
  void stripDecidesEachNameOnItsOwn() throws Exception {
    Path out = tmp.resolve("out.tar");
    Path report = tmp.resolve("strip.json");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            image().toString(),
            "-o",
            out.toString(),
            "--format",
            "docker",
            "--compression",
            "none",
            "--remove",
            "/opt/*",
            "--report-json",
            report.toString(),
            "-q");
    assertEquals(0, r.exit, r.err);
    Map<String, TarEntry> names = layerEntries(out);
    // The symlink's target is kept by the symlink check; its Latin-1 twin is removed by the rule.
    assertTrue(names.containsKey("opt/caf\u00e9"), names.keySet().toString());
    assertTrue(!names.containsKey("opt/caf\u00e8"), names.keySet().toString());
    assertEquals(
        "/opt/caf\u00e9",
        new String(names.get("usr/bin/tool").linkTargetBytes(), StandardCharsets.ISO_8859_1));
    JsonNode rep = new ObjectMapper().readTree(report.toFile());
    List<String> removed = new ArrayList<>();
    for (JsonNode d : rep.path("decisions")) {
      if (d.path("action").asText().equals("removed")) {
        removed.add(d.path("path").asText());
      }
    }
    assertEquals(List.of("/opt/caf\\xe8"), removed, "shown with its byte escaped");
    assertEquals(3000, rep.path("bytesRemoved").asLong());
  }

  @Test
  void analyzeReportsBothFiles() throws Exception {
    Path json = tmp.resolve("a.json");
    Path html = tmp.resolve("a.html");
    CliTest.Run r =
        CliTest.cli(
            "analyze", image().toString(), "--json", json.toString(), "--html", html.toString());
    assertEquals(0, r.exit, r.err);
    Map<String, Long> sizes = new HashMap<>();
    for (JsonNode f : new ObjectMapper().readTree(json.toFile()).path("largestFiles")) {
      sizes.put(f.path("path").asText(), f.path("bytes").asLong());
    }
    assertEquals(100L, sizes.get("opt/caf\\xe9"), sizes.toString());
    assertEquals(3000L, sizes.get("opt/caf\\xe8"), sizes.toString());
    assertTrue(r.out.contains("/opt/caf\\xe8"), r.out);
    assertTrue(
        Files.readString(html).contains("caf\\\\xe8"), "the page's data holds the escaped name");
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The entries of the top layer of a docker archive, keyed by their name bytes read as Latin-1.
   */
  private static Map<String, TarEntry> layerEntries(Path archive) throws IOException {
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
    byte[] layer = members.get(layers.get(layers.size() - 1).asText());
    Map<String, TarEntry> out = new HashMap<>();
    TarReader t = new TarReader(new ByteArrayInputStream(layer), "layer");
    for (TarEntry e = t.next(); e != null; e = t.next()) {
      out.put(new String(e.pathBytes(), StandardCharsets.ISO_8859_1), e);
    }
    return out;
  }
}
