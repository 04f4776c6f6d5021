package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A typed view of an OCI content descriptor ({@code mediaType}, {@code digest}, {@code size},
 * {@code annotations}, {@code platform}, {@code artifactType}), as found in a manifest's {@code
 * config} and {@code layers} and in an index's {@code manifests}. The field names live here only.
 * The view reads the node it wraps and never copies it, so a descriptor written back keeps every
 * field, known or not, as it was.
 *
 * @param json the descriptor object
 */
public record DescriptorJson(ObjectNode json) {
  static final String MEDIA_TYPE = "mediaType";
  static final String DIGEST = "digest";
  static final String SIZE = "size";
  static final String ANNOTATIONS = "annotations";
  static final String PLATFORM = "platform";
  static final String ARTIFACT_TYPE = "artifactType";

  public DescriptorJson {
    Objects.requireNonNull(json, "json");
  }

  /** The view of {@code node}, or null when it is absent or not an object. */
  public static @Nullable DescriptorJson of(@Nullable JsonNode node) {
    return node != null && node.isObject() ? new DescriptorJson((ObjectNode) node) : null;
  }

  /** The media type, or null when absent or not a string. */
  public @Nullable String mediaType() {
    return Views.text(json, MEDIA_TYPE);
  }

  /** Whether {@code mediaType} is there with a value that is neither a string nor null. */
  public boolean mediaTypeMalformed() {
    JsonNode m = json.get(MEDIA_TYPE);
    return m != null && !m.isTextual() && !m.isNull();
  }

  /** The digest as written, or null when absent or not a string. */
  public @Nullable String digestText() {
    return Views.text(json, DIGEST);
  }

  /** The size, or -1 when absent, not an integer or negative. */
  public long size() {
    JsonNode s = json.get(SIZE);
    return s == null || !s.canConvertToLong() || s.asLong() < 0 ? -1 : s.asLong();
  }

  /** The annotation {@code key}, or null when absent or not a string. */
  public @Nullable String annotation(String key) {
    JsonNode a = json.path(ANNOTATIONS).path(key);
    return a.isTextual() ? a.asText() : null;
  }

  /** The {@code platform} object's platform, or null when absent or incomplete. */
  public @Nullable Platform platform() {
    return Platform.fromJson(json.get(PLATFORM));
  }

  /** The artifact type, or null when absent or not a string. */
  public @Nullable String artifactType() {
    return Views.text(json, ARTIFACT_TYPE);
  }

  /**
   * Appends a new descriptor ({@code mediaType}, {@code digest}, {@code size}, in that order) to
   * {@code array}.
   */
  public static DescriptorJson add(ArrayNode array, String mediaType, Digest digest, long size) {
    return fill(array.addObject(), mediaType, digest, size);
  }

  static DescriptorJson fill(ObjectNode d, String mediaType, Digest digest, long size) {
    d.put(MEDIA_TYPE, mediaType);
    d.put(DIGEST, digest.toString());
    d.put(SIZE, size);
    return new DescriptorJson(d);
  }

  /**
   * A deep copy of this descriptor pointing at other content: {@code mediaType}, {@code digest} and
   * {@code size} set where they are (or last), every other field (platform, annotations, unknown
   * ones) kept.
   */
  public DescriptorJson withTarget(String mediaType, Digest digest, long size) {
    return fill(json.deepCopy(), mediaType, digest, size);
  }

  /** The descriptor's {@code annotations} object, created (last) when absent. */
  public ObjectNode annotations() {
    JsonNode a = json.get(ANNOTATIONS);
    return a != null && a.isObject() ? (ObjectNode) a : json.putObject(ANNOTATIONS);
  }
}
