package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.testing.RawTar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dir:} transport of containers/image ({@code skopeo copy ... dir:}, {@code podman save
 * --format docker-dir}), written file by file as containers/image v5.23 writes it: {@code version},
 * {@code manifest.json}, and every blob named by its hex digest alone. The integration tier reads
 * the ones skopeo and podman write.
 */
class DirTransportTest {
  @TempDir Path tmp;

  /** Stores a blob as the dir: transport names it; returns its descriptor. */
  static ObjectNode blob(Path dir, String name, String mediaType, byte[] content) throws Exception {
    String digest = Fixtures.sha256(content);
    Files.write(dir.resolve(name == null ? digest.substring(7) : name), content);
    ObjectNode d = Json.object();
    d.put("mediaType", mediaType);
    d.put("digest", digest);
    d.put("size", content.length);
    return d;
  }

  /**
   * A one-layer image in {@code dir}: config, layer and manifest ({@code manifestName}, or {@code
   * manifest.json}); the manifest has no mediaType when {@code docker} is false, as skopeo writes
   * OCI manifests there.
   */
  static ObjectNode image(Path dir, boolean docker, String arch, String manifestName)
      throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");
    byte[] layer = RawTar.files(Map.of("etc/" + arch, arch + "\n", "bin/tool", "tool\n"));
    ObjectNode layerDesc =
        blob(dir, null, docker ? MediaTypes.DOCKER_LAYER : MediaTypes.OCI_LAYER, layer);
    String cfg =
        "{\"architecture\":\""
            + arch
            + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/tool\"]},\"rootfs\":"
            + "{\"type\":\"layers\",\"diff_ids\":[\""
            + layerDesc.get("digest").asText()
            + "\"]}}";
    ObjectNode cfgDesc =
        blob(
            dir,
            null,
            docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG,
            cfg.getBytes(StandardCharsets.UTF_8));
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    if (docker) {
      m.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    }
    m.set("config", cfgDesc);
    m.putArray("layers").add(layerDesc);
    return blob(
        dir,
        manifestName,
        docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST,
        Json.canonicalBytes(m));
  }

  @Test
  void ociAndDockerManifestsAreRead() throws Exception {
    for (boolean docker : new boolean[] {false, true}) {
      Path dir = tmp.resolve(docker ? "v2s2" : "oci");
      image(dir, docker, "amd64", "manifest.json");
      try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
        assertEquals(ArchiveFamily.OCI, img.family());
        assertEquals(1, img.layers().size());
        assertEquals("/bin/tool", img.config().path("config").path("Cmd").path(0).asText());
        ImageArchivesTest.readAll(img); // verifies the layer's digest and diff_id
      }
    }
  }

  /**
   * {@code skopeo copy --all ... dir:}: manifest.json is the index, each image's manifest is
   * HEX.manifest.json.
   */
  @Test
  void anIndexPicksItsImagesFromHexManifestFiles() throws Exception {
    Path dir = tmp.resolve("all");
    ObjectNode amd = image(dir, false, "amd64", "amd.tmp");
    ObjectNode arm = image(dir, false, "arm64", "arm.tmp");
    for (Map.Entry<String, ObjectNode> d : Map.of("amd.tmp", amd, "arm.tmp", arm).entrySet()) {
      String hex = d.getValue().get("digest").asText().substring(7);
      Files.move(dir.resolve(d.getKey()), dir.resolve(hex + ".manifest.json"));
    }
    amd.putObject("platform").put("os", "linux").put("architecture", "amd64");
    arm.putObject("platform").put("os", "linux").put("architecture", "arm64");
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2);
    index.putArray("manifests").add(amd).add(arm);
    Files.write(dir.resolve("manifest.json"), Json.canonicalBytes(index));
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.of(null, "linux/arm64"))) {
      assertEquals("arm64", img.config().path("architecture").asText());
      ImageArchivesTest.readAll(img);
    }
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(dir, ImageSelector.any()));
    assertTrue(e.getMessage().contains("2 images match"), e.getMessage());
  }

  @Test
  void otherVersionsAndSchema1AreRefusedInOneLine() throws Exception {
    Path old = tmp.resolve("old");
    image(old, false, "amd64", "manifest.json");
    Files.writeString(old.resolve("version"), "Directory Transport Version: 1.0\n");
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(old, ImageSelector.any()));
    assertEquals(
        old
            + ": version: dir: transport 'Directory Transport Version: 1.0' is not supported, only 'Directory"
            + " Transport Version: 1.1' (containers/image since 2018)",
        e.getMessage());
    Path schema1 = tmp.resolve("schema1");
    Files.createDirectories(schema1);
    Files.writeString(schema1.resolve("version"), "Directory Transport Version: 1.1\n");
    Files.writeString(
        schema1.resolve("manifest.json"), "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}");
    e = assertThrows(ImageException.class, () -> ImageArchives.open(schema1, ImageSelector.any()));
    assertTrue(
        e.getMessage().contains("manifest.json: schemaVersion 1;")
            && !e.getMessage().contains("\n"),
        e.getMessage());
    Files.delete(schema1.resolve("manifest.json"));
    e = assertThrows(ImageException.class, () -> ImageArchives.open(schema1, ImageSelector.any()));
    assertEquals(schema1 + ": dir: transport without manifest.json", e.getMessage());
  }

  /** A layer named in the manifest but absent from the directory is named in the error. */
  @Test
  void aMissingBlobIsNamed() throws Exception {
    Path dir = tmp.resolve("missing");
    image(dir, true, "amd64", "manifest.json");
    ObjectNode manifest = (ObjectNode) Json.parse(Files.readAllBytes(dir.resolve("manifest.json")));
    String layerHex = manifest.get("layers").get(0).get("digest").asText().substring(7);
    Files.delete(dir.resolve(layerHex));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(dir, ImageSelector.any()));
    assertTrue(e.getMessage().contains(layerHex), e.getMessage());
  }
}
