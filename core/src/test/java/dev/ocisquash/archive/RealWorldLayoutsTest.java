package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layout shapes other tools write, reproduced file by file: cosign signatures, attestations and
 * SBOMs beside the image, OCI 1.1 artifacts, index entries without a platform
 * (go-containerregistry), Docker 25+ saves of untagged images ({@code "manifests": null}), and
 * legacy saves whose config file name is an old digest.
 */
class RealWorldLayoutsTest {
  @TempDir Path tmp;

  /**
   * The cosign-shaped signature, attestation and SBOM manifests for {@code subject}, listed by
   * cosign's tags.
   */
  static void addCosignArtifacts(LayoutDir l, ObjectNode subject) throws Exception {
    String tag = "sha256-" + subject.get("digest").asText().substring(7);
    String payload =
        "{\"critical\":{\"identity\":{\"docker-reference\":\"example.com/app\"},\"image\":{\"docker-manifest-digest\":\""
            + subject.get("digest").asText()
            + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
    ObjectNode sigLayer = l.blob("application/vnd.dev.cosign.simplesigning.v1+json", payload);
    sigLayer.putObject("annotations").put("dev.cosignproject.cosign/signature", "MEUCIQDx...");
    l.list(l.manifest(cosignConfig(l, sigLayer), sigLayer), tag + ".sig");
    ObjectNode attLayer =
        l.blob(
            "application/vnd.dsse.envelope.v1+json",
            "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[]}");
    attLayer.putObject("annotations").put("predicateType", "https://slsa.dev/provenance/v0.2");
    l.list(l.manifest(cosignConfig(l, attLayer), attLayer), tag + ".att");
    ObjectNode sbomLayer = l.blob("text/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");
    l.list(l.manifest(cosignConfig(l, sbomLayer), sbomLayer), tag + ".sbom");
  }

  /** cosign's config: an image config type, with the payload's digest as its only diff_id. */
  private static ObjectNode cosignConfig(LayoutDir l, ObjectNode layer) throws Exception {
    return l.blob(
        MediaTypes.OCI_CONFIG,
        "{\"architecture\":\"\",\"config\":{},\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
            + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + layer.get("digest").asText()
            + "\"]}}");
  }

  /** An OCI 1.1 artifact: artifactType, the empty config, and a subject. */
  static void addOci11Artifact(LayoutDir l, ObjectNode subject) throws Exception {
    ObjectNode empty = l.blob("application/vnd.oci.empty.v1+json", "{}");
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("artifactType", "application/vnd.example.sbom.v1+json");
    m.set("config", empty);
    m.putArray("layers").add(l.blob("application/vnd.example.sbom.v1+json", "{\"sbom\":true}"));
    m.set("subject", subject.deepCopy());
    ObjectNode d = l.rawManifest(m);
    d.put("artifactType", "application/vnd.example.sbom.v1+json");
    l.list(d, null);
  }

  @Test
  void signaturesAttestationsAndArtifactsAreNotChoices() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("signed"));
    ObjectNode image = l.image("linux", "amd64", Map.of("etc/app.conf", "x\n"));
    l.list(image, "latest");
    addCosignArtifacts(l, image);
    addOci11Artifact(l, image);
    Path dir = l.write();
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
      assertEquals(List.of("latest"), img.names());
      assertEquals(1, img.layers().size());
    }
    // --ref still reaches the others, and says what they are
    String sigTag = "sha256-" + image.get("digest").asText().substring(7) + ".sig";
    ImageException e =
        assertThrows(
            ImageException.class, () -> ImageArchives.open(dir, ImageSelector.of(sigTag, null)));
    assertTrue(e.getMessage().contains("not an image"), e.getMessage());
    assertTrue(
        e.getMessage().contains("application/vnd.dev.cosign.simplesigning.v1+json"),
        e.getMessage());
    // --platform picks among images only
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.of(null, "linux/amd64"))) {
      assertEquals(List.of("latest"), img.names());
    }
  }

  @Test
  void aLayoutOfOnlyArtifactsSaysSo() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("only"));
    ObjectNode image = l.image("linux", "amd64", Map.of("a", "a\n")); // stored, but not listed
    addCosignArtifacts(l, image);
    Path dir = l.write();
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(dir, ImageSelector.any()));
    assertTrue(e.getMessage().contains("holds no image, only artifacts"), e.getMessage());
    assertTrue(e.getMessage().contains(".att"), e.getMessage());
  }

  @Test
  void twoImagesBesideArtifactsAreStillAmbiguous() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("two"));
    ObjectNode a = l.image("linux", "amd64", Map.of("a", "a\n"));
    ObjectNode b = l.image("linux", "amd64", Map.of("b", "b\n"));
    l.list(a, "a");
    l.list(b, "b");
    addCosignArtifacts(l, a);
    Path dir = l.write();
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(dir, ImageSelector.any()));
    assertTrue(e.getMessage().contains("2 images match"), e.getMessage());
    assertTrue(
        !e.getMessage().contains(".sig"),
        "artifacts are not offered as choices: " + e.getMessage());
  }

  @Test
  void artifactRuleDecidesOnContentNotNames() throws Exception {
    ObjectNode image = manifestDoc(MediaTypes.DOCKER_CONFIG, MediaTypes.DOCKER_LAYER_GZIP);
    assertNull(ArtifactRule.whyNotAnImage(null, image));
    assertNull(
        ArtifactRule.whyNotAnImage(null, manifestDoc(MediaTypes.OCI_CONFIG)),
        "an empty image is an image");
    for (String layer :
        List.of(
            MediaTypes.OCI_LAYER,
            MediaTypes.OCI_LAYER_GZIP,
            MediaTypes.OCI_LAYER_ZSTD,
            MediaTypes.OCI_LAYER_NONDIST,
            MediaTypes.OCI_LAYER_NONDIST_GZIP,
            MediaTypes.OCI_LAYER_NONDIST_ZSTD,
            MediaTypes.DOCKER_LAYER,
            MediaTypes.DOCKER_LAYER_GZIP,
            MediaTypes.DOCKER_FOREIGN_LAYER)) {
      assertNull(
          ArtifactRule.whyNotAnImage(null, manifestDoc(MediaTypes.OCI_CONFIG, layer)), layer);
    }
    // go-containerregistry copies the config media type into artifactType (index entry and all):
    // still an image
    ObjectNode ggcrEntry = Json.object();
    ggcrEntry.put("artifactType", MediaTypes.DOCKER_CONFIG);
    assertNull(
        ArtifactRule.whyNotAnImage(ggcrEntry, image), "ggcr's artifactType = config media type");
    ObjectNode typedEntry = Json.object();
    typedEntry.put("artifactType", "application/x");
    assertNull(
        ArtifactRule.whyNotAnImage(typedEntry, image), "an artifactType on the index entry alone");
    ObjectNode typed = image.deepCopy();
    typed.put("artifactType", MediaTypes.DOCKER_CONFIG);
    assertNull(
        ArtifactRule.whyNotAnImage(null, typed), "artifactType equal to the config media type");
    ObjectNode withSubject = image.deepCopy();
    withSubject.putObject("subject").put("digest", "sha256:00");
    assertNull(
        ArtifactRule.whyNotAnImage(null, withSubject), "a subject alone does not make an artifact");
  }

  /**
   * Each artifact shape real tools write is named by what it is and the media type that shows it.
   */
  @Test
  void everyArtifactShapeIsNamed() throws Exception {
    Map<String, ObjectNode> shapes = new java.util.LinkedHashMap<>();
    shapes.put(
        "a cosign signature",
        manifestDoc(MediaTypes.OCI_CONFIG, "application/vnd.dev.cosign.simplesigning.v1+json"));
    shapes.put(
        "a DSSE attestation",
        manifestDoc(MediaTypes.OCI_CONFIG, "application/vnd.dsse.envelope.v1+json"));
    shapes.put(
        "an in-toto attestation",
        manifestDoc(MediaTypes.OCI_CONFIG, "application/vnd.in-toto+json"));
    shapes.put("an SPDX SBOM", manifestDoc(MediaTypes.OCI_CONFIG, "text/spdx+json"));
    shapes.put(
        "a CycloneDX SBOM", manifestDoc(MediaTypes.OCI_CONFIG, "application/vnd.cyclonedx+json"));
    shapes.put(
        "a Helm chart",
        manifestDoc(
            "application/vnd.cncf.helm.config.v1+json",
            "application/vnd.cncf.helm.chart.content.v1.tar+gzip"));
    shapes.put(
        "a WASM module",
        manifestDoc(
            "application/vnd.wasm.config.v0+json", "application/vnd.wasm.content.layer.v1+wasm"));
    ObjectNode oras =
        manifestDoc("application/vnd.oci.empty.v1+json", "application/vnd.example.thing");
    oras.put("artifactType", "application/vnd.example.thing");
    shapes.put("an OCI 1.1 artifact of type application/vnd.example.thing", oras);
    ObjectNode orasSbom = manifestDoc("application/vnd.oci.empty.v1+json", "application/spdx+json");
    orasSbom.put("artifactType", "application/spdx+json");
    shapes.put("an SPDX SBOM of type application/spdx+json", orasSbom);
    shapes.put(
        "an artifact (config media type application/x-unknown",
        manifestDoc("application/x-unknown"));
    // an image config with a tar+gzip layer beside a non-filesystem one is still not a runnable
    // image
    shapes.put(
        "an artifact (layer media type application/octet-stream",
        manifestDoc(MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_GZIP, "application/octet-stream"));
    for (Map.Entry<String, ObjectNode> e : shapes.entrySet()) {
      String why = ArtifactRule.whyNotAnImage(null, e.getValue());
      assertNotNull(why, e.getKey());
      assertTrue(why.startsWith(e.getKey()), e.getKey() + " -> " + why);
    }
  }

  /**
   * A manifest document with the config media type and one layer descriptor per layer media type.
   */
  private static ObjectNode manifestDoc(String configType, String... layerTypes) {
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    m.putObject("config").put("mediaType", configType);
    com.fasterxml.jackson.databind.node.ArrayNode layers = m.putArray("layers");
    for (String t : layerTypes) {
      layers.addObject().put("mediaType", t);
    }
    return m;
  }

  /**
   * A layout as go-containerregistry's {@code layout.Write} / {@code crane pull --format oci}
   * writes it: every index entry carries an {@code artifactType} copied from the config media type
   * (pkg/v1/partial/with.go, lines 331-348 at commit d8112ef04b005c504291a83b3643e2bd089229e7), no
   * platform on a single image. It is picked without --ref.
   */
  @Test
  void ggcrLayoutsWithArtifactTypeOnEveryEntryArePicked() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("ggcr"));
    ObjectNode image = l.image("linux", "amd64", Map.of("etc/app.conf", "x\n"));
    ObjectNode entry = l.list(image, "example.com/app:1");
    entry.put("artifactType", MediaTypes.OCI_CONFIG);
    addCosignArtifacts(l, image);
    for (com.fasterxml.jackson.databind.JsonNode e : l.manifests) {
      if (!e.has("artifactType")) {
        ((ObjectNode) e)
            .put("artifactType", MediaTypes.OCI_CONFIG); // cosign's config type, as ggcr copies it
      }
    }
    Path dir = l.write();
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
      assertEquals(List.of("example.com/app:1"), img.names());
      ImageArchivesTest.readAll(img);
    }
    String sigTag = "sha256-" + image.get("digest").asText().substring(7) + ".sig";
    ImageException e =
        assertThrows(
            ImageException.class, () -> ImageArchives.open(dir, ImageSelector.of(sigTag, null)));
    assertTrue(
        e.getMessage().contains("which is not an image: a cosign signature"), e.getMessage());
  }

  @Test
  void platformComesFromTheConfigWhenTheIndexEntryHasNone() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("plat"));
    l.list(l.image("linux", "amd64", Map.of("amd", "x\n")), null);
    l.list(l.image("linux", "arm64", Map.of("arm", "y\n")), null);
    Path dir = l.write();
    assertTrue(
        Files.readString(dir.resolve("index.json")).indexOf("platform") < 0,
        "fixture has no platform field");
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.of(null, "linux/amd64"))) {
      assertEquals("amd64", img.config().path("architecture").asText());
    }
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.of(null, "linux/arm64/v8"))) {
      assertEquals("arm64", img.config().path("architecture").asText());
    }
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> ImageArchives.open(dir, ImageSelector.of(null, "linux/s390x")));
    assertTrue(e.getMessage().contains("no image matches platform=linux/s390x"), e.getMessage());
    assertTrue(e.getMessage().contains("platform=linux/arm64"), e.getMessage());
  }

  /**
   * docker save of an untagged image on Docker 25+: index.json says "manifests": null beside
   * manifest.json.
   */
  @Test
  void docker25UntaggedSaveIsReadFromManifestJson() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("d25"));
    byte[] layer = RawTar.files(Map.of("hello", "world\n"));
    ObjectNode layerDesc = l.blob(MediaTypes.OCI_LAYER, layer);
    String cfg =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + layerDesc.get("digest").asText()
            + "\"]}}";
    ObjectNode cfgDesc = l.blob(MediaTypes.OCI_CONFIG, cfg);
    l.manifest(cfgDesc, layerDesc);
    l.index().putNull("manifests");
    l.write();
    Files.writeString(
        l.dir.resolve("manifest.json"),
        "[{\"Config\":\"blobs/sha256/"
            + cfgDesc.get("digest").asText().substring(7)
            + "\",\"RepoTags\":null,"
            + "\"Layers\":[\"blobs/sha256/"
            + layerDesc.get("digest").asText().substring(7)
            + "\"]}]");
    try (SourceImage img = ImageArchives.open(l.dir, ImageSelector.any())) {
      assertEquals(1, img.layers().size());
      ImageArchivesTest.readAll(img);
    }
    // a pure OCI layout with nothing listed is still an error, and a clear one
    Files.delete(l.dir.resolve("manifest.json"));
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(l.dir, ImageSelector.any()));
    assertTrue(e.getMessage().contains("index.json lists no image manifests"), e.getMessage());
  }

  /** A legacy docker save whose config file name is a digest the content no longer has. */
  @Test
  void legacyConfigNamedByAnOldDigestIsAcceptedWithADebugNote() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("legacy"));
    byte[] layer = RawTar.files(Map.of("hello", "world\n"));
    String diffId = Fixtures.sha256(layer);
    Files.createDirectories(dir.resolve("aaaa"));
    Files.write(dir.resolve("aaaa/layer.tar"), layer);
    String cfg =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"history\":[{\"created_by\":\"edited\"}],"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + diffId
            + "\"]}}";
    String oldName = "1".repeat(64) + ".json";
    Files.writeString(dir.resolve(oldName), cfg);
    Files.writeString(
        dir.resolve("manifest.json"),
        "[{\"Config\":\""
            + oldName
            + "\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"aaaa/layer.tar\"]}]");
    List<String> notes = new ArrayList<>();
    Logger log = Logger.getLogger("dev.ocisquash");
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            notes.add(new java.util.logging.SimpleFormatter().formatMessage(r));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Level before = log.getLevel();
    log.setLevel(Level.FINE);
    log.addHandler(h);
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
      ImageArchivesTest.readAll(img); // the layer is still verified against its diff_id
      assertEquals(
          Fixtures.sha256(cfg.getBytes(StandardCharsets.UTF_8)),
          ((ArchiveImage) img).configDigest().toString());
    } finally {
      log.removeHandler(h);
      log.setLevel(before);
    }
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(
        notes.get(0).contains(oldName) && notes.get(0).contains("not its digest"), notes.get(0));

    // a layer that does not match its diff_id is still refused
    Files.write(dir.resolve("aaaa/layer.tar"), RawTar.files(Map.of("hello", "tampered\n")));
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
      ImageException e = assertThrows(ImageException.class, () -> ImageArchivesTest.readAll(img));
      assertTrue(
          e.getMessage().contains("layer 0 (") && e.getMessage().contains("diff_id mismatch"),
          e.getMessage());
    }
  }

  /** In blobs/ (Docker 25+, OCI) the file name is a digest claim, and a mismatch stays an error. */
  @Test
  void blobConfigWithTheWrongDigestIsStillRefused() throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve("d25bad"));
    byte[] layer = RawTar.files(Map.of("hello", "world\n"));
    ObjectNode layerDesc = l.blob(MediaTypes.OCI_LAYER, layer);
    String wrong = "2".repeat(64);
    Files.writeString(
        l.dir.resolve("blobs/sha256/" + wrong),
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + layerDesc.get("digest").asText()
            + "\"]}}");
    l.write();
    Files.writeString(
        l.dir.resolve("manifest.json"),
        "[{\"Config\":\"blobs/sha256/"
            + wrong
            + "\",\"Layers\":[\"blobs/sha256/"
            + layerDesc.get("digest").asText().substring(7)
            + "\"]}]");
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(l.dir, ImageSelector.any()));
    assertTrue(e.getMessage().contains("config digest mismatch"), e.getMessage());
  }
}
