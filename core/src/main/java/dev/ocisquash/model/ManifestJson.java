package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A typed view of an image manifest (OCI or Docker schema 2): {@code schemaVersion}, {@code
 * mediaType}, {@code config}, {@code layers}, {@code artifactType}. The field names live here only.
 * The view wraps the parsed node without copying it, so fields it does not name survive a rewrite
 * byte for byte.
 *
 * @param json the manifest object
 */
public record ManifestJson(ObjectNode json) {
  static final String SCHEMA_VERSION = "schemaVersion";
  static final String MEDIA_TYPE = "mediaType";
  static final String CONFIG = "config";
  static final String LAYERS = "layers";
  static final String ARTIFACT_TYPE = "artifactType";

  public ManifestJson {
    Objects.requireNonNull(json, "json");
  }

  /** The view of {@code node}, or null when it is absent or not an object. */
  public static @Nullable ManifestJson of(JsonNode node) {
    return node != null && node.isObject() ? new ManifestJson((ObjectNode) node) : null;
  }

  /**
   * A new OCI image manifest naming its config, with an empty {@code layers} array for {@link
   * #addLayer}: {@code schemaVersion}, {@code mediaType}, {@code config}, {@code layers}, in that
   * order.
   */
  public static ManifestJson newOci(Digest configDigest, long configSize) {
    ObjectNode m = Json.object();
    m.put(SCHEMA_VERSION, 2);
    m.put(MEDIA_TYPE, MediaTypes.OCI_MANIFEST);
    DescriptorJson.fill(m.putObject(CONFIG), MediaTypes.OCI_CONFIG, configDigest, configSize);
    m.putArray(LAYERS);
    return new ManifestJson(m);
  }

  /** The declared media type, or null when absent or not a string. */
  public @Nullable String mediaType() {
    return Views.text(json, MEDIA_TYPE);
  }

  /** The {@code schemaVersion} node as written; a missing node when absent. */
  public JsonNode schemaVersion() {
    return json.path(SCHEMA_VERSION);
  }

  /** Whether the document has a {@code config} field, which tells a manifest from an index. */
  public boolean hasConfig() {
    return json.has(CONFIG);
  }

  /** The {@code config} node as written (for {@code Descriptor} parsing), or null when absent. */
  public JsonNode configNode() {
    return json.get(CONFIG);
  }

  /** The config descriptor, or null when absent or not an object. */
  public @Nullable DescriptorJson config() {
    return DescriptorJson.of(json.get(CONFIG));
  }

  /** The {@code layers} node as written, or null when absent. */
  public JsonNode layersNode() {
    return json.get(LAYERS);
  }

  /** The layer descriptors, bottom first; entries that are not objects are left out. */
  public List<DescriptorJson> layers() {
    List<DescriptorJson> out = new ArrayList<>();
    for (JsonNode n : json.path(LAYERS)) {
      DescriptorJson d = DescriptorJson.of(n);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  /** The number of entries in {@code layers}; 0 when it is absent or not an array. */
  public int layerCount() {
    JsonNode l = json.path(LAYERS);
    return l.isArray() ? l.size() : 0;
  }

  /** The descriptor of layer {@code i}, or null when there is none or it is not an object. */
  public @Nullable DescriptorJson layer(int i) {
    return DescriptorJson.of(json.path(LAYERS).get(i));
  }

  /** The artifact type, or null when absent or not a string. */
  public @Nullable String artifactType() {
    return Views.text(json, ARTIFACT_TYPE);
  }

  /** Appends a layer descriptor to a manifest made by {@link #newOci}. */
  public DescriptorJson addLayer(String mediaType, Digest digest, long size) {
    return DescriptorJson.add((ArrayNode) json.get(LAYERS), mediaType, digest, size);
  }
}
