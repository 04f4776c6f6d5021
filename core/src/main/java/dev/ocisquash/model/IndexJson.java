package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A typed view of an image index ({@code index.json} or an index blob): {@code schemaVersion},
 * {@code mediaType}, {@code manifests}. The field names live here only; fields it does not name are
 * left as they are.
 *
 * @param json the index object
 */
public record IndexJson(ObjectNode json) {
  static final String SCHEMA_VERSION = "schemaVersion";
  static final String MEDIA_TYPE = "mediaType";
  static final String MANIFESTS = "manifests";

  public IndexJson {
    Objects.requireNonNull(json, "json");
  }

  /**
   * A new OCI index with an empty {@code manifests} array: {@code schemaVersion}, {@code
   * mediaType}, {@code manifests}, in that order.
   */
  public static IndexJson newOci() {
    ObjectNode idx = Json.object();
    idx.put(SCHEMA_VERSION, 2);
    idx.put(MEDIA_TYPE, MediaTypes.OCI_INDEX);
    idx.putArray(MANIFESTS);
    return new IndexJson(idx);
  }

  /**
   * Whether {@code doc} has the shape of an index: a {@code manifests} array and no {@code config}.
   */
  public static boolean looksLikeIndex(JsonNode doc) {
    return doc.path(MANIFESTS).isArray() && !doc.has(ManifestJson.CONFIG);
  }

  /** Whether {@code doc} has a {@code manifests} field, of whatever type. */
  public static boolean hasManifests(JsonNode doc) {
    return doc.has(MANIFESTS);
  }

  /** The {@code manifests} node as written (null, a JSON null, an array or anything else). */
  public JsonNode manifestsNode() {
    return json.get(MANIFESTS);
  }

  /** The {@code manifests} array, for appending entries with {@link DescriptorJson#add}. */
  public ArrayNode manifests() {
    return (ArrayNode) json.get(MANIFESTS);
  }

  /** Sets the media type, where the field is now or last when absent. */
  public void setMediaType(String mediaType) {
    json.put(MEDIA_TYPE, mediaType);
  }

  /** Replaces the {@code manifests} array, where the field is now or last when absent. */
  public void setManifests(ArrayNode manifests) {
    json.set(MANIFESTS, manifests);
  }
}
