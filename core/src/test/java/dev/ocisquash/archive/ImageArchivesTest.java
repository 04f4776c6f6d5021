package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import dev.ocisquash.ImageException;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Json;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.RawTar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads images that real tools (umoci, skopeo) produced, and damaged variants of them. */
@Tag("integration") // fixtures from umoci and skopeo
class ImageArchivesTest {
  @TempDir static Path fx;
  static Path layout; // OCI layout dir from umoci, gzip layers, ref "t"
  static Path dockerTar; // skopeo docker-archive, legacy layout with symlinks, tag foo:bar
  static Path ociTar; // skopeo oci-archive
  static Path zstdLayout; // OCI layout with zstd layers

  @BeforeAll
  static void buildFixtures() throws Exception {
    layout = fx.resolve("L");
    Proc.of("umoci", "init", "--layout", "L").dir(fx).check();
    Proc.of("umoci", "new", "--image", "L:t").dir(fx).check();
    Proc.of("umoci", "unpack", "--image", "L:t", "B").dir(fx).check();
    Path rootfs = fx.resolve("B/rootfs");
    Files.writeString(rootfs.resolve("a.txt"), "first\n");
    Files.createDirectories(rootfs.resolve("dir"));
    Files.writeString(rootfs.resolve("dir/b.txt"), "second\n");
    Proc.of("umoci", "repack", "--image", "L:t", "B").dir(fx).check();
    rootfs = reunpack();
    Files.writeString(rootfs.resolve("c.txt"), "third\n");
    Files.delete(rootfs.resolve("a.txt")); // a whiteout in layer 2
    Proc.of("umoci", "repack", "--image", "L:t", "B").dir(fx).check();
    rootfs = reunpack();
    Files.writeString(rootfs.resolve("dir/b.txt"), "changed\n");
    Proc.of("umoci", "repack", "--image", "L:t", "B").dir(fx).check();
    Proc.of("skopeo", "copy", "-q", "oci:L:t", "docker-archive:X.tar:foo:bar").dir(fx).check();
    Proc.of("skopeo", "copy", "-q", "oci:L:t", "oci-archive:Y.tar").dir(fx).check();
    Proc.of("skopeo", "copy", "-q", "--dest-compress-format", "zstd", "oci:L:t", "oci:Z:t")
        .dir(fx)
        .check();
    dockerTar = fx.resolve("X.tar");
    ociTar = fx.resolve("Y.tar");
    zstdLayout = fx.resolve("Z");
  }

  private static Path reunpack() throws Exception {
    Proc.of("rm", "-rf", "B").dir(fx).check();
    Proc.of("umoci", "unpack", "--image", "L:t", "B").dir(fx).check();
    return fx.resolve("B/rootfs");
  }

  /** Reads every layer to the end, which verifies blob digest and diff_id. */
  static void readAll(SourceImage img) throws IOException {
    for (SourceLayer l : img.layers()) {
      try (LayerStream s = l.open()) {
        byte[] head = s.readNBytes(512); // some tar data, then drain
        assertEquals(512, head.length);
        s.finish();
        assertTrue(s.uncompressedBytes() >= 1024, l.label());
      }
    }
  }

  @Test
  void dockerArchiveFromSkopeo() throws Exception {
    try (SourceImage img = ImageArchives.open(dockerTar, ImageSelector.any())) {
      assertEquals(ArchiveFamily.DOCKER, img.family());
      assertEquals(List.of("docker.io/library/foo:bar"), img.names());
      assertEquals(3, img.layers().size());
      assertEquals(Compression.NONE, img.predominantCompression());
      readAll(img);
      SourceLayer l0 = img.layers().get(0);
      assertNull(l0.declaredMediaType());
      // legacy layers are uncompressed, so blob digest == diff_id
      assertEquals(l0.diffId(), l0.blobDigest());
      ObjectNode m = img.manifest();
      assertEquals(3, m.get("layers").size());
      assertEquals(img.config().path("rootfs").path("diff_ids").size(), 3);
      assertTrue(l0.label().startsWith("layer 0 (sha256:"), l0.label());
    }
    // selection by the short docker name and by full name
    try (SourceImage img =
        ImageArchives.open(dockerTar, ImageSelector.of("foo:bar", "linux/amd64"))) {
      assertEquals(3, img.layers().size());
    }
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> ImageArchives.open(dockerTar, ImageSelector.of("foo:nope", null)));
    assertTrue(e.getMessage().contains("no image matches ref=foo:nope"), e.getMessage());
    assertTrue(e.getMessage().contains("ref=docker.io/library/foo:bar"), e.getMessage());
  }

  private static void assertNull(Object o) {
    assertEquals(null, o);
  }

  @Test
  void ociArchiveFromSkopeo() throws Exception {
    try (SourceImage img = ImageArchives.open(ociTar, ImageSelector.any())) {
      assertEquals(ArchiveFamily.OCI, img.family());
      assertEquals(3, img.layers().size());
      assertEquals(Compression.GZIP, img.predominantCompression());
      assertEquals(Compression.GZIP, img.layers().get(1).compression());
      assertNotNull(img.layers().get(1).declaredMediaType());
      readAll(img);
    }
  }

  @Test
  void ociLayoutDirectoryByRefAndZstdLayers() throws Exception {
    try (SourceImage img = ImageArchives.open(layout, ImageSelector.of("t", null))) {
      assertEquals(List.of("t"), img.names());
      readAll(img);
    }
    try (SourceImage img = ImageArchives.open(zstdLayout, ImageSelector.any())) {
      assertEquals(Compression.ZSTD, img.predominantCompression());
      readAll(img);
    }
  }

  @Test
  void compressedOuterArchives() throws Exception {
    Path gz = fx.resolve("X.tar.gz-but-named-oddly");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(dockerTar, o);
    }
    Path zst = fx.resolve("Y.bin");
    try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
      Files.copy(ociTar, o);
    }
    long tempsBefore = countTemps();
    try (SourceImage img = ImageArchives.open(gz, ImageSelector.any())) {
      assertEquals(ArchiveFamily.DOCKER, img.family());
      readAll(img);
      assertEquals(tempsBefore + 1, countTemps());
    }
    assertEquals(tempsBefore, countTemps(), "temp file deleted on close");
    try (SourceImage img = ImageArchives.open(zst, ImageSelector.any())) {
      assertEquals(ArchiveFamily.OCI, img.family());
      readAll(img);
    }
    // truncated outer gzip
    byte[] all = Files.readAllBytes(gz);
    Path cut = fx.resolve("cut.gz");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(cut, ImageSelector.any()));
    assertTrue(e.getMessage().contains("truncated gzip archive"), e.getMessage());
    assertEquals(tempsBefore, countTemps());
  }

  private static long countTemps() throws IOException {
    try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("ocisquash-input-")).count();
    }
  }

  /** The first layer blob path of the OCI layout's manifest. */
  private static String firstLayerBlob(Path dir, int n) throws Exception {
    JsonNode idx = Json.parse(Files.readAllBytes(dir.resolve("index.json")));
    String md = idx.get("manifests").get(0).get("digest").asText();
    JsonNode m = Json.parse(Files.readAllBytes(dir.resolve("blobs/sha256/" + md.substring(7))));
    return "blobs/sha256/" + m.get("layers").get(n).get("digest").asText().substring(7);
  }

  @Test
  void corruptLayerBlobIsADigestMismatch() throws Exception {
    Path copy = fx.resolve("corrupt");
    Fixtures.copyTree(layout, copy);
    String blob = firstLayerBlob(copy, 1);
    Path f = copy.resolve(blob);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Fixtures.flipByte(b, b.length / 2));
    try (SourceImage img = ImageArchives.open(copy, ImageSelector.any())) {
      ImageException e = assertThrows(ImageException.class, () -> readAll(img));
      assertTrue(e.getMessage().contains("layer 1 (sha256:"), e.getMessage());
      assertTrue(
          e.getMessage().contains("blob digest mismatch: manifest says sha256:"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void corruptLegacyDockerLayerIsADiffIdMismatch() throws Exception {
    // find the first real layer file (not a symlink) and flip a byte of its tar content
    String layerName = null;
    for (String n : RawTar.names(dockerTar)) {
      if (n.endsWith(".tar")) {
        layerName = n;
        break;
      }
    }
    byte[] layer = readMember(dockerTar, layerName);
    Path bad = fx.resolve("bad-docker.tar");
    RawTar.rewrite(dockerTar, bad, Map.of(layerName, Fixtures.flipByte(layer, 600)));
    try (SourceImage img = ImageArchives.open(bad, ImageSelector.any())) {
      ImageException e = assertThrows(ImageException.class, () -> readAll(img));
      assertTrue(e.getMessage().startsWith(bad + ": layer "), e.getMessage());
      assertTrue(e.getMessage().contains("diff_id mismatch: config says sha256:"), e.getMessage());
    }
  }

  static byte[] readMember(Path tar, String name) throws IOException {
    try (InputStream in = Files.newInputStream(tar);
        var t = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        if (e.getName().equals(name)) {
          return t.readAllBytes();
        }
      }
    }
    throw new AssertionError(name + " not in " + tar);
  }

  @Test
  void missingBlob() throws Exception {
    Path copy = fx.resolve("missing");
    Fixtures.copyTree(layout, copy);
    String blob = firstLayerBlob(copy, 2);
    Files.delete(copy.resolve(blob));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(copy, ImageSelector.any()));
    assertEquals(copy + ": blob " + blob + " (layer 2) is missing", e.getMessage());
  }

  @Test
  void invalidManifestJson() throws Exception {
    Path bad = fx.resolve("badjson.tar");
    RawTar.rewrite(
        dockerTar, bad, Map.of("manifest.json", "[{\"Config\": ".getBytes(StandardCharsets.UTF_8)));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(bad, ImageSelector.any()));
    assertTrue(e.getMessage().startsWith(bad + ": manifest.json: invalid JSON"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());

    Path noLayers = fx.resolve("nolayers.tar");
    RawTar.rewrite(
        dockerTar,
        noLayers,
        Map.of("manifest.json", "[{\"Config\":\"x.json\"}]".getBytes(StandardCharsets.UTF_8)));
    e = assertThrows(ImageException.class, () -> ImageArchives.open(noLayers, ImageSelector.any()));
    assertTrue(e.getMessage().contains("manifest.json[0]: missing 'Layers'"), e.getMessage());
  }

  private static ArrayNode dockerManifest() throws Exception {
    return (ArrayNode) Json.parse(readMember(dockerTar, "manifest.json"));
  }

  @Test
  void ambiguousSelectionListsChoices() throws Exception {
    ArrayNode m = dockerManifest();
    ObjectNode second = ((ObjectNode) m.get(0)).deepCopy();
    second.putArray("RepoTags").add("example.com/other:v2");
    m.add(second);
    Path two = fx.resolve("two.tar");
    RawTar.rewrite(dockerTar, two, Map.of("manifest.json", Json.canonicalBytes(m)));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(two, ImageSelector.any()));
    String msg = e.getMessage();
    assertTrue(msg.contains("2 images match"), msg);
    assertTrue(
        msg.contains("ref=docker.io/library/foo:bar platform=linux/amd64 digest=sha256:"), msg);
    assertTrue(msg.contains("ref=example.com/other:v2 platform=linux/amd64 digest=sha256:"), msg);
    assertFalse(msg.contains("\n"));
    try (SourceImage img =
        ImageArchives.open(two, ImageSelector.of("example.com/other:v2", null))) {
      assertEquals(List.of("example.com/other:v2"), img.names());
    }
    try (SourceImage img =
        ImageArchives.open(two, ImageSelector.of("docker.io/library/foo:bar", null))) {
      assertEquals(List.of("docker.io/library/foo:bar"), img.names());
    }
  }

  @Test
  void ambiguousOciIndex() throws Exception {
    Path copy = fx.resolve("twotags");
    Fixtures.copyTree(layout, copy);
    Proc.of("umoci", "tag", "--image", "twotags:t", "u").dir(fx).check();
    // same manifest under two names: merged, so not ambiguous; names list both
    try (SourceImage img = ImageArchives.open(copy, ImageSelector.any())) {
      assertEquals(List.of("t", "u"), img.names());
    }
    // a second, different image
    Proc.of("umoci", "new", "--image", "twotags:empty").dir(fx).check();
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(copy, ImageSelector.any()));
    assertTrue(e.getMessage().contains("ref=t,u platform=linux/"), e.getMessage());
    assertTrue(e.getMessage().contains("ref=empty platform="), e.getMessage());
    try (SourceImage img = ImageArchives.open(copy, ImageSelector.of("empty", null))) {
      assertEquals(0, img.layers().size());
    }
  }

  @Test
  void pathTraversalInManifestLayers() throws Exception {
    ArrayNode m = dockerManifest();
    ((ArrayNode) m.get(0).get("Layers"))
        .set(0, Json.mapper().getNodeFactory().textNode("../../etc/passwd"));
    Path bad = fx.resolve("traversal.tar");
    RawTar.rewrite(dockerTar, bad, Map.of("manifest.json", Json.canonicalBytes(m)));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(bad, ImageSelector.any()));
    assertTrue(e.getMessage().contains("path traversal: '../../etc/passwd'"), e.getMessage());
  }

  @Test
  void legacyLayerSymlinksAreFollowedWithinTheArchive() throws Exception {
    // skopeo writes <id>/layer.tar -> ../<diffid>.tar symlinks; point manifest.json at them like
    // old docker did
    ArrayNode m = dockerManifest();
    ArrayNode layers = (ArrayNode) m.get(0).get("Layers");
    Map<String, String> linkFor = new HashMap<>();
    try (InputStream in = Files.newInputStream(dockerTar);
        var t = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        if (e.isSymbolicLink()) {
          linkFor.put(e.getLinkName().substring(3), e.getName());
        }
      }
    }
    for (int i = 0; i < layers.size(); i++) {
      layers.set(i, Json.mapper().getNodeFactory().textNode(linkFor.get(layers.get(i).asText())));
    }
    // GNU tar repacks the extracted archive, keeping its symlinks
    Path x = Files.createDirectory(fx.resolve("linked"));
    Proc.of("tar", "xf", dockerTar.toString()).dir(x).check();
    Files.write(x.resolve("manifest.json"), Json.canonicalBytes(m));
    Path linked = fx.resolve("linked.tar");
    Proc.of("tar", "cf", linked.toString(), ".").dir(x).check();
    try (SourceImage img = ImageArchives.open(linked, ImageSelector.any())) {
      assertTrue(img.layers().get(0).location().endsWith("/layer.tar"));
      readAll(img);
    }
    // a link that climbs out of the archive is refused
    String first = layers.get(0).asText();
    Proc.of("ln", "-sfn", "../../etc/passwd", first).dir(x).check();
    Path escaping = fx.resolve("escaping.tar");
    Proc.of("tar", "cf", escaping.toString(), ".").dir(x).check();
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(escaping, ImageSelector.any()));
    assertTrue(e.getMessage().contains("path traversal: link"), e.getMessage());
  }

  @Test
  void notAnArchive() throws Exception {
    Path junk = fx.resolve("junk.tar");
    Files.writeString(junk, "hello");
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(junk, ImageSelector.any()));
    assertTrue(e.getMessage().contains("not an image archive"), e.getMessage());
    e =
        assertThrows(
            ImageException.class,
            () -> ImageArchives.open(fx.resolve("nope"), ImageSelector.any()));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void inputIsNotModified() throws Exception {
    String before = Fixtures.sha256(dockerTar);
    try (SourceImage img = ImageArchives.open(dockerTar, ImageSelector.any())) {
      readAll(img);
      img.manifest();
    }
    assertEquals(before, Fixtures.sha256(dockerTar));
    Map<String, String> unused = new HashMap<>();
    assertTrue(unused.isEmpty());
  }
}
