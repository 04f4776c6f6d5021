package dev.ocisquash.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.model.Json;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.testing.Proc;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the analysis against reality: images built by umoci (testdata/fixtures/build-fixtures.sh),
 * final trees unpacked by {@code umoci unpack}, layer contents read by commons-compress. The tools
 * are required.
 */
@Tag("integration") // fixtures from umoci
class AnalyzerTest {
  @TempDir static Path fx;
  static Path layout;

  @BeforeAll
  static void build() throws Exception {
    Path script = testdata().resolve("fixtures/build-fixtures.sh");
    Proc.of("bash", script.toString(), fx.toString(), "opaque", "recreate", "hardlinks")
        .dir(fx)
        .check();
    layout = fx.resolve("layout");
    // The busybox sample as a layout too, so umoci can unpack it.
    Proc.of(
            "skopeo",
            "copy",
            "-q",
            "docker-archive:" + testdata().resolve("sample/busybox-sample.tar"),
            "oci:" + layout + ":busybox")
        .dir(fx)
        .check();
  }

  static Path testdata() {
    return dev.ocisquash.testing.TestData.dir();
  }

  /**
   * Content bytes of the unpacked final tree: regular files, each inode once (the analysis counts
   * the same way).
   */
  static long unpackedContentBytes(String tag) throws Exception {
    Path bundle = fx.resolve("bundle-" + tag);
    Proc.of("umoci", "--log=error", "unpack", "--image", layout + ":" + tag, bundle.toString())
        .dir(fx)
        .check();
    Set<Object> inodes = new HashSet<>();
    long sum = 0;
    try (Stream<Path> s = Files.walk(bundle.resolve("rootfs"))) {
      for (Path f : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && inodes.add(
                Files.getAttribute(f, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
          sum += Files.size(f);
        }
      }
    }
    return sum;
  }

  /**
   * Σ content sizes of the regular-file entries of every layer, read independently with
   * commons-compress.
   */
  static long[] layerContentBytes(String tag) throws Exception {
    JsonNode index = Json.parse(Files.readAllBytes(layout.resolve("index.json")));
    String manifestDigest = null;
    for (JsonNode m : index.path("manifests")) {
      if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        manifestDigest = m.path("digest").asText();
      }
    }
    JsonNode manifest = Json.parse(Files.readAllBytes(blob(manifestDigest)));
    List<JsonNode> layers = new java.util.ArrayList<>();
    manifest.path("layers").forEach(layers::add);
    long[] out = new long[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      try (InputStream raw = Files.newInputStream(blob(layers.get(i).path("digest").asText()));
          InputStream in =
              layers.get(i).path("mediaType").asText().contains("gzip")
                  ? new java.util.zip.GZIPInputStream(raw)
                  : raw;
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          if (e.isFile() && !e.isLink()) {
            out[i] += e.getSize();
          }
        }
      }
    }
    return out;
  }

  static Path blob(String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"opaque", "recreate", "hardlinks", "busybox"})
  void wasteAgreesWithUmociUnpack(String tag) throws Exception {
    ImageAnalysis a =
        Analyzer.analyze(
            layout, AnalyzeOptions.builder().selector(ImageSelector.of(tag, null)).build());
    long unpacked = unpackedContentBytes(tag);
    long[] perLayer = layerContentBytes(tag);
    long all = 0;
    for (int i = 0; i < perLayer.length; i++) {
      assertEquals(
          perLayer[i], a.layers().get(i).contentBytes(), tag + " layer " + i + " content bytes");
      all += perLayer[i];
    }
    assertEquals(unpacked, a.finalContentBytes(), tag + ": final content vs umoci unpack");
    assertEquals(all - unpacked, a.wastedBytes(), tag + ": waste");
    assertEquals(a.layerContentBytes() - a.finalContentBytes(), a.wastedBytes());
    if (!tag.equals("busybox")) {
      assertTrue(a.wastedBytes() > 0, tag + " fixtures overwrite or delete content");
    }
    // Each layer's waste is between 0 and its content.
    for (ImageAnalysis.Layer l : a.layers()) {
      assertTrue(
          l.wastedBytes() >= 0 && l.wastedBytes() <= l.contentBytes(), tag + " layer " + l.index());
    }
    assertEquals(a.uncompressedBytes() - a.layerContentBytes(), a.tarOverheadBytes());
  }

  @Test
  void dockerArchiveGivesTheSameAnswerAsTheLayout() throws Exception {
    for (String tag : List.of("opaque", "recreate", "hardlinks")) {
      ImageAnalysis fromLayout =
          Analyzer.analyze(
              layout, AnalyzeOptions.builder().selector(ImageSelector.of(tag, null)).build());
      ImageAnalysis fromTar =
          Analyzer.analyze(fx.resolve(tag + ".docker.tar"), AnalyzeOptions.defaults());
      assertEquals(fromLayout.wastedBytes(), fromTar.wastedBytes(), tag);
      assertEquals(fromLayout.finalContentBytes(), fromTar.finalContentBytes(), tag);
    }
  }

  @Test
  void busyboxSampleReport() throws Exception {
    Path sample = testdata().resolve("sample/busybox-sample.tar");
    ImageAnalysis a =
        Analyzer.analyze(sample, AnalyzeOptions.builder().duplicates(true).top(5).build());
    assertEquals(3, a.layers().size());
    assertEquals("bin/busybox", a.largestFiles(1).get(0).path());
    assertTrue(a.largestFiles(100).size() <= 5);
    // No preset given: safe's docs member still shows what it would remove.
    assertTrue(
        a.knownBulk().stream().anyMatch(b -> "docs".equals(b.preset()) && !b.selected()),
        a.knownBulk().toString());
    assertTrue(a.layers().get(0).createdBy().contains("busybox"), a.layers().get(0).createdBy());
    // The squashed layer, as the squasher really writes it, matches the computed tar size.
    Path out = fx.resolve("busybox-squashed.tar");
    dev.ocisquash.squash.Squasher.squash(
        dev.ocisquash.squash.SquashOptions.builder(sample, out)
            .compression(dev.ocisquash.compress.Compression.NONE)
            .build());
    ImageAnalysis sq = Analyzer.analyze(out, AnalyzeOptions.defaults());
    assertEquals(1, sq.layers().size());
    assertEquals(sq.layers().get(0).uncompressedBytes(), a.estimates().squashedTarBytes());
    assertEquals(a.finalContentBytes(), sq.finalContentBytes());
    assertEquals(0, sq.wastedBytes());
    // Duplicates: every group's paths really share content.
    for (ImageAnalysis.DuplicateGroup g : a.duplicates()) {
      assertTrue(g.paths().size() >= 2);
    }
    JsonNode j = JsonReport.toJson(a);
    assertEquals(2, j.path("schemaVersion").asInt());
    assertEquals(a.wastedBytes(), j.path("totals").path("wastedBytes").asLong());
    assertFalse(
        TextReport.render(a, 5).lines().anyMatch(l -> l.length() > 100), TextReport.render(a, 5));
  }

  @Test
  void fileTreeServesContentFromTheLayers() throws Exception {
    try (dev.ocisquash.archive.SourceImage img =
        dev.ocisquash.archive.ImageArchives.open(
            testdata().resolve("sample/busybox-sample.tar"), ImageSelector.any())) {
      dev.ocisquash.squash.FlattenedImage flat =
          dev.ocisquash.squash.AnalysisFlattener.flatten(img, false);
      FileTree tree = ImageFileTree.of(img, flat);
      assertEquals("/", tree.nodes().iterator().next().path());
      dev.ocisquash.strip.TreeNode bb = tree.get("/bin/busybox");
      assertTrue(bb.isRegular() && bb.size() > 1_000_000);
      try (dev.ocisquash.strip.SeekableContent c = tree.open(bb)) {
        byte[] head = new byte[4];
        assertEquals(4, c.readFully(0, head, 0, 4));
        assertEquals("\u007fELF", new String(head, StandardCharsets.ISO_8859_1));
        // A read past the first window re-reads the layer.
        byte[] tail = new byte[16];
        assertEquals(16, c.readFully(bb.size() - 16, tail, 0, 16));
        assertEquals(-1, c.read(bb.size(), tail, 0, 1));
      }
    }
    // Hardlinks share a group key.
    try (dev.ocisquash.archive.SourceImage img =
        dev.ocisquash.archive.ImageArchives.open(layout, ImageSelector.of("hardlinks", null))) {
      FileTree tree =
          ImageFileTree.of(img, dev.ocisquash.squash.AnalysisFlattener.flatten(img, false));
      long grouped = 0;
      for (dev.ocisquash.strip.TreeNode n : tree.nodes()) {
        if (n.groupKey() != null) {
          grouped++;
        }
      }
      assertTrue(grouped >= 2, "hardlink groups expected");
    }
  }

  @Test
  void stripEstimatesUseTheStripPackage() throws Exception {
    ImageAnalysis a =
        Analyzer.analyze(
            testdata().resolve("sample/busybox-sample.tar"),
            AnalyzeOptions.builder().preset("docs").build());
    assertTrue(a.strip() != null && a.strip().removedBytes() > 0);
    assertTrue(
        a.estimates().strippedTarBytes() > 0
            && a.estimates().strippedTarBytes() < a.estimates().squashedTarBytes());
    ImageAnalysis.BulkItem docs =
        a.knownBulk().stream().filter(b -> "docs".equals(b.preset())).findFirst().orElseThrow();
    assertTrue(docs.selected() && docs.action().equals(ImageAnalysis.REMOVE), docs.toString());
    ImageAnalysis none =
        Analyzer.analyze(
            testdata().resolve("sample/busybox-sample.tar"), AnalyzeOptions.defaults());
    assertEquals(null, none.strip());
    assertEquals(-1, none.estimates().strippedTarBytes());
  }

  @Test
  void gates() throws Exception {
    ImageAnalysis a =
        Analyzer.analyze(
            testdata().resolve("sample/busybox-sample.tar"), AnalyzeOptions.defaults());
    assertTrue(Gate.parse("wasted>100KB").trips(a));
    assertFalse(Gate.parse("wasted>100MB").trips(a));
    assertTrue(Gate.parse("efficiency<0.9").trips(a));
    assertTrue(Gate.parse("efficiency < 90%").trips(a));
    assertFalse(Gate.parse("size>1GB").trips(a));
    assertTrue(Gate.parse("size>=1MiB").trips(a));
    assertTrue(
        Gate.parse("wasted>100KB").reason(a).startsWith("gate wasted>100KB tripped: wasted is "));
    for (String bad :
        List.of("wasted", "wasted>>1", "speed>1", "wasted>1XB", "efficiency<1MB", "")) {
      try {
        Gate.parse(bad);
        fail("accepted " + bad);
      } catch (IllegalArgumentException expected) {
        // ok
      }
    }
  }
}
