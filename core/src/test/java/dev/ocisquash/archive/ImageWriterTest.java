package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import dev.ocisquash.ImageException;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.Json;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes images in every format and checks them with skopeo and podman. */
class ImageWriterTest {
  @TempDir static Path dir;
  static byte[] layerTar;

  @BeforeAll
  static void makeLayer() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("hello.txt", "hello world\n");
    files.put("etc/motd", "squashed\n");
    layerTar = RawTar.files(files);
  }

  static byte[] compress(byte[] data, Compression c) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream o =
        c == Compression.GZIP
            ? new GZIPOutputStream(bos)
            : c == Compression.ZSTD ? new ZstdOutputStream(bos) : bos) {
      o.write(data);
    }
    return bos.toByteArray();
  }

  static ObjectNode config(Digest diffId) {
    ObjectNode c = Json.object();
    c.put("architecture", "amd64");
    c.put("os", "linux");
    c.putObject("config").putArray("Cmd").add("/bin/sh");
    ObjectNode r = c.putObject("rootfs");
    r.put("type", "layers");
    r.putArray("diff_ids").add(diffId.toString());
    return c;
  }

  static OutputLayer layer(Compression c, String name) throws Exception {
    byte[] blob = compress(layerTar, c);
    Path f = dir.resolve(name);
    Files.write(f, blob);
    return OutputLayer.ofFile(
        f,
        Digest.parse(Fixtures.sha256(blob)),
        Digest.parse(Fixtures.sha256(layerTar)),
        blob.length,
        c.ociLayerMediaType());
  }

  static WrittenImage write(Path out, OutputFormat fmt, Compression c) throws Exception {
    OutputLayer l = layer(c, out.getFileName() + ".blob");
    ObjectNode template = Json.object();
    template.putObject("annotations").put("org.example.keep", "yes");
    return ImageWriter.write(
        out, fmt, config(l.diffId()), template, List.of(l), List.of("example.com/sq:v1"));
  }

  static String transport(OutputFormat f) {
    return f == OutputFormat.DOCKER
        ? "docker-archive:"
        : f == OutputFormat.OCI ? "oci-archive:" : "oci:";
  }

  /**
   * A new layer streamed into the output with {@link ImageWriter#begin}: the same bytes as writing
   * it from a file.
   */
  @Test
  void pendingImageWritesTheSameBytesAsAFileLayer() throws Exception {
    for (OutputFormat fmt : OutputFormat.values()) {
      OutputLayer fromFile = layer(Compression.GZIP, "pending-" + fmt + ".blob");
      byte[] blob = Files.readAllBytes(fromFile.blobFile());
      Path viaFile = dir.resolve("via-file-" + fmt);
      ImageWriter.write(
          viaFile, fmt, config(fromFile.diffId()), null, List.of(fromFile), List.of("x:1"));
      Path streamed = dir.resolve("streamed-" + fmt);
      try (ImageWriter.PendingImage img =
          ImageWriter.begin(streamed, fmt, 0L, dev.ocisquash.TempFiles.none())) {
        img.writeLayer(
            fromFile.mediaType(),
            out -> {
              out.write(blob);
              return new ImageWriter.NewBlob(fromFile.digest(), fromFile.diffId(), blob.length);
            });
        img.finish(config(fromFile.diffId()), null, List.of("x:1"));
      }
      assertEquals(contents(viaFile), contents(streamed), fmt + ": streamed output differs");
    }
  }

  /** A file's sha256, or for a directory every file's relative path and sha256, sorted. */
  private static String contents(Path p) throws Exception {
    if (Files.isRegularFile(p)) {
      return Fixtures.sha256(p);
    }
    StringBuilder sb = new StringBuilder();
    try (var files = Files.walk(p)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        sb.append(p.relativize(f)).append(' ').append(Fixtures.sha256(f)).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * The new layer equals a kept one: the second copy is dropped, the manifest lists both, skopeo
   * accepts it.
   */
  @Test
  @Tag("integration") // skopeo, podman
  void pendingImageDropsADuplicateBlob() throws Exception {
    OutputLayer kept = layer(Compression.NONE, "dup.blob");
    byte[] blob = Files.readAllBytes(kept.blobFile());
    Path out = dir.resolve("dup.tar");
    try (ImageWriter.PendingImage img =
        ImageWriter.begin(out, OutputFormat.OCI, 0L, dev.ocisquash.TempFiles.none())) {
      img.addLayer(kept);
      img.writeLayer(
          kept.mediaType(),
          o -> {
            o.write(blob);
            return new ImageWriter.NewBlob(kept.digest(), kept.diffId(), blob.length);
          });
      ObjectNode cfg = config(kept.diffId());
      ((com.fasterxml.jackson.databind.node.ArrayNode) cfg.get("rootfs").get("diff_ids"))
          .add(kept.diffId().toString());
      img.finish(cfg, null, List.of("x:1"));
    }
    List<String> names = RawTar.names(out);
    assertEquals(
        1, names.stream().filter(n -> n.endsWith(kept.digest().hex())).count(), names.toString());
    Proc.of("skopeo", "inspect", "oci-archive:" + out).dir(dir).check();
    try (SourceImage img = ImageArchives.open(out, ImageSelector.any())) {
      assertEquals(2, img.layers().size());
    }
  }

  /** A layer body that fails leaves nothing: no output, no temporary file. */
  @Test
  void pendingImageLeavesNothingWhenTheBodyFails() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("failing"));
    for (OutputFormat fmt : OutputFormat.values()) {
      Path out = sub.resolve("o-" + fmt);
      try (ImageWriter.PendingImage img =
          ImageWriter.begin(out, fmt, 0L, dev.ocisquash.TempFiles.none())) {
        assertThrows(
            java.io.IOException.class,
            () ->
                img.writeLayer(
                    "application/vnd.oci.image.layer.v1.tar",
                    o -> {
                      o.write(new byte[10_000]);
                      throw new java.io.IOException("body failed");
                    }));
      }
      try (var files = Files.list(sub)) {
        assertEquals(List.of(), files.toList(), fmt.toString());
      }
    }
  }

  @Test
  @Tag("integration") // skopeo, podman
  void allFormatsPassSkopeoAndPodman() throws Exception {
    for (OutputFormat fmt : OutputFormat.values()) {
      for (Compression c : Compression.values()) {
        String name = fmt + "-" + c + (fmt == OutputFormat.OCI_DIR ? "" : ".tar");
        Path out = dir.resolve(name);
        WrittenImage w = write(out, fmt, c);
        String inspect =
            Proc.of("skopeo", "inspect", "--raw", transport(fmt) + out).dir(dir).check();
        assertTrue(inspect.contains("\"schemaVersion\""), inspect);
        Proc.of(
                "skopeo",
                "copy",
                "-q",
                transport(fmt) + out,
                "dir:" + dir.resolve(name + ".copied"))
            .dir(dir)
            .check();
        // our own reader verifies everything too
        try (SourceImage img = ImageArchives.open(out, ImageSelector.any())) {
          assertEquals(List.of("example.com/sq:v1"), img.names());
          assertEquals(c, img.layers().get(0).compression());
          try (LayerStream s = img.layers().get(0).open()) {
            s.finish();
            assertEquals(layerTar.length, s.uncompressedBytes());
          }
          assertEquals("yes", img.manifest().path("annotations").path("org.example.keep").asText());
        }
        if (fmt != OutputFormat.OCI_DIR) {
          // podman limits the runroot path length, so use a short directory of our own
          Path root = Files.createTempDirectory(Path.of("/tmp"), "pd");
          String loaded =
              Proc.of(
                      "podman",
                      "--root",
                      root.resolve("r").toString(),
                      "--runroot",
                      root.resolve("rr").toString(),
                      "--storage-driver",
                      "vfs",
                      "load",
                      "-i",
                      out.toString())
                  .dir(dir)
                  .check();
          assertTrue(loaded.contains("Loaded image"), loaded);
          Proc.of("rm", "-rf", root.toString()).dir(dir).check();
        }
        assertTrue(w.bytesWritten() > 0);
        assertEquals(w.configDigest(), w.imageId());
      }
    }
  }

  @Test
  @Tag("integration") // skopeo, podman
  void dockerFormatIsAlsoAnOciLayout() throws Exception {
    Path out = dir.resolve("both.tar");
    WrittenImage w = write(out, OutputFormat.DOCKER, Compression.NONE);
    List<String> names = RawTar.names(out);
    assertEquals("blobs/", names.get(0));
    assertEquals("blobs/sha256/", names.get(1));
    assertTrue(
        names.containsAll(List.of("index.json", "manifest.json", "oci-layout", "repositories")),
        names.toString());
    Proc.of("skopeo", "inspect", "--raw", "oci-archive:" + out).dir(dir).check();
    JsonNode m = Json.parse(ImageArchivesTest.readMember(out, "manifest.json"));
    assertEquals("blobs/sha256/" + w.configDigest().hex(), m.get(0).get("Config").asText());
    assertEquals("example.com/sq:v1", m.get(0).get("RepoTags").get(0).asText());
    JsonNode idx = Json.parse(ImageArchivesTest.readMember(out, "index.json"));
    JsonNode ann = idx.get("manifests").get(0).get("annotations");
    assertEquals("v1", ann.get("org.opencontainers.image.ref.name").asText());
    assertEquals("example.com/sq:v1", ann.get("io.containerd.image.name").asText());
    assertEquals(w.manifestDigest().toString(), idx.get("manifests").get(0).get("digest").asText());
  }

  @Test
  void reproducible() throws Exception {
    for (OutputFormat fmt : List.of(OutputFormat.DOCKER, OutputFormat.OCI)) {
      Path a = dir.resolve("rep-a-" + fmt);
      Path b = dir.resolve("rep-b-" + fmt);
      WrittenImage wa = write(a, fmt, Compression.GZIP);
      WrittenImage wb = write(b, fmt, Compression.GZIP);
      assertEquals(wa.manifestDigest(), wb.manifestDigest());
      assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }
  }

  @Test
  @Tag("integration") // skopeo, podman
  void copiesSourceLayersByteForByte() throws Exception {
    Path src = dir.resolve("src.tar");
    write(src, OutputFormat.OCI, Compression.GZIP);
    Path out = dir.resolve("copy.tar");
    try (SourceImage img = ImageArchives.open(src, ImageSelector.any())) {
      List<OutputLayer> ls = new ArrayList<>();
      for (SourceLayer l : img.layers()) {
        ls.add(OutputLayer.copyOf(l, l.blobDigest(), l.blobSize(), l.declaredMediaType()));
      }
      ImageWriter.write(out, OutputFormat.DOCKER, img.config(), img.manifest(), ls, img.names());
    }
    Proc.of("skopeo", "copy", "-q", "docker-archive:" + out, "dir:" + dir.resolve("copy.copied"))
        .dir(dir)
        .check();
    try (SourceImage img = ImageArchives.open(out, ImageSelector.any())) {
      img.layers().get(0).open().finish();
    }
  }

  @Test
  void failureLeavesNothingBehind() throws Exception {
    Path blob = dir.resolve("short.blob");
    Files.write(blob, layerTar);
    Digest d = Digest.parse(Fixtures.sha256(layerTar));
    OutputLayer wrongSize =
        OutputLayer.ofFile(blob, d, d, layerTar.length + 1, Compression.NONE.ociLayerMediaType());
    Path fdir = Files.createDirectory(dir.resolve("fail"));
    for (OutputFormat fmt : OutputFormat.values()) {
      Path out = fdir.resolve("out-" + fmt);
      assertThrows(
          java.io.IOException.class,
          () -> ImageWriter.write(out, fmt, config(d), null, List.of(wrongSize), List.of()));
    }
    try (var s = Files.list(fdir)) {
      assertEquals(0, s.count(), "no output and no temp files");
    }
  }

  @Test
  void ociDirDestinationMustNotExistAndSameFileIsRefused() throws Exception {
    Path existing = Files.createDirectory(dir.resolve("exists"));
    ImageException e =
        assertThrows(
            ImageException.class, () -> write(existing, OutputFormat.OCI_DIR, Compression.NONE));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    Path f = dir.resolve("same.tar");
    write(f, OutputFormat.OCI, Compression.NONE);
    assertThrows(
        ImageException.class, () -> ImageWriter.checkNotSameFile(f, dir.resolve("./same.tar")));
    ImageWriter.checkNotSameFile(f, dir.resolve("other.tar"));
  }

  @Test
  void truncatedLayersAreReported() throws Exception {
    truncated(Compression.GZIP);
    truncated(Compression.ZSTD);
  }

  private void truncated(Compression c) throws Exception {
    byte[] gz = compress(layerTar, c);
    byte[] cut = java.util.Arrays.copyOf(gz, gz.length - 12);
    Path f = dir.resolve("cut.blob" + c);
    Files.write(f, cut);
    OutputLayer l =
        OutputLayer.ofFile(
            f,
            Digest.parse(Fixtures.sha256(cut)),
            Digest.parse(Fixtures.sha256(layerTar)),
            cut.length,
            c.ociLayerMediaType());
    Path out = dir.resolve("cut-layout" + c);
    ImageWriter.write(out, OutputFormat.OCI_DIR, config(l.diffId()), null, List.of(l), List.of());
    try (SourceImage img = ImageArchives.open(out, ImageSelector.any())) {
      ImageException e =
          assertThrows(ImageException.class, () -> img.layers().get(0).open().finish());
      assertTrue(e.getMessage().contains("layer 0 (sha256:"), e.getMessage());
      String comp = c.name().toLowerCase(java.util.Locale.ROOT);
      assertTrue(e.getMessage().endsWith("truncated " + comp + " stream"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }
}
