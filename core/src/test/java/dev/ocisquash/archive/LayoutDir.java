package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.testing.RawTar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes OCI image layouts (and the blob side of Docker 25+ saves) file by file in tests, without
 * external tools, so that shapes real tools write (cosign artifacts, index entries without
 * platform) can be reproduced exactly.
 */
final class LayoutDir {
  final Path dir;
  final ArrayNode manifests;
  private final ObjectNode index;

  LayoutDir(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    index = Json.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    manifests = index.putArray("manifests");
  }

  /** Stores a blob; returns its descriptor (mediaType, digest, size). */
  ObjectNode blob(String mediaType, byte[] content) throws Exception {
    String digest = Fixtures.sha256(content);
    Files.write(dir.resolve("blobs/sha256/" + digest.substring(7)), content);
    ObjectNode d = Json.object();
    d.put("mediaType", mediaType);
    d.put("digest", digest);
    d.put("size", content.length);
    return d;
  }

  ObjectNode blob(String mediaType, String content) throws Exception {
    return blob(mediaType, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A one-layer image for {@code os/arch}; returns its manifest descriptor (not yet listed in the
   * index).
   */
  ObjectNode image(String os, String arch, Map<String, String> files) throws Exception {
    byte[] layer = RawTar.files(files);
    ObjectNode layerDesc = blob(MediaTypes.OCI_LAYER, layer);
    ObjectNode config = Json.object();
    config.put("architecture", arch);
    config.put("os", os);
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(layerDesc.get("digest").asText());
    ObjectNode cfgDesc = blob(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
    return manifest(cfgDesc, layerDesc);
  }

  /**
   * An OCI manifest with the given config and layer descriptors, stored; returns its descriptor.
   */
  ObjectNode manifest(ObjectNode config, ObjectNode... layers) throws Exception {
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.set("config", config);
    ArrayNode ls = m.putArray("layers");
    for (ObjectNode l : layers) {
      ls.add(l);
    }
    return blob(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(m));
  }

  /** Stores a manifest document as given (for artifact shapes) and returns its descriptor. */
  ObjectNode rawManifest(ObjectNode m) throws Exception {
    return blob(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(m));
  }

  /** Lists a descriptor in index.json, with a ref name when {@code ref} is not null. */
  ObjectNode list(ObjectNode descriptor, String ref) {
    ObjectNode entry = descriptor.deepCopy();
    if (ref != null) {
      entry.putObject("annotations").put(MediaTypes.ANNOTATION_REF_NAME, ref);
    }
    manifests.add(entry);
    return entry;
  }

  /** Writes index.json. */
  Path write() throws IOException {
    Files.write(dir.resolve("index.json"), Json.canonicalBytes(index));
    return dir;
  }

  /** The index document itself, for shapes such as {@code "manifests": null}. */
  ObjectNode index() {
    return index;
  }
}
