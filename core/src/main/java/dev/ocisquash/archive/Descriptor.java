package dev.ocisquash.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/** An OCI content descriptor (mediaType, digest, size) plus the JSON helpers the readers share. */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class Descriptor {
  /** Configs, manifests and indexes above this size are refused: they are read whole into memory. */
  static final int JSON_LIMIT = 64 << 20;

  final ObjectNode node;
  final String mediaType;
  final Digest digest;
  final long size;

  private Descriptor(ObjectNode node, String mediaType, Digest digest, long size) {
    this.node = node;
    this.mediaType = mediaType;
    this.digest = digest;
    this.size = size;
  }

  /** The blob path in an OCI layout. */
  String path() {
    return "blobs/" + digest.algorithm() + "/" + digest.hex();
  }

  @Nullable String annotation(String key) {
    JsonNode a = node.path("annotations").path(key);
    return a.isTextual() ? a.asText() : null;
  }

  /** Parses a descriptor; {@code where} names the document for messages. */
  /** Appends a descriptor object ({@code mediaType}, {@code digest}, {@code size}) to {@code array}. */
  static ObjectNode add(ArrayNode array, String mediaType, Digest digest, long size) {
    return fill(array.addObject(), mediaType, digest, size);
  }

  /**
   * A new OCI image manifest naming its config; the caller appends the layer descriptors to its {@code layers}
   * array with {@link #add}.
   */
  static ObjectNode ociManifest(Digest configDigest, long configSize) {
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    fill(m.putObject("config"), MediaTypes.OCI_CONFIG, configDigest, configSize);
    m.putArray("layers");
    return m;
  }

  private static ObjectNode fill(ObjectNode d, String mediaType, Digest digest, long size) {
    d.put("mediaType", mediaType);
    d.put("digest", digest.toString());
    d.put("size", size);
    return d;
  }

  static Descriptor parse(String display, String where, JsonNode n) throws ImageException {
    if (n == null || !n.isObject()) {
      throw bad(display, where, "descriptor is not a JSON object");
    }
    JsonNode d = n.get("digest");
    if (d == null || !d.isTextual()) {
      throw bad(display, where, "descriptor without digest");
    }
    Digest digest;
    try {
      digest = Digest.parse(d.asText());
    } catch (IllegalArgumentException e) {
      throw bad(display, where, e.getMessage());
    }
    JsonNode s = n.get("size");
    if (s == null || !s.canConvertToLong() || s.asLong() < 0) {
      throw bad(display, where, "descriptor " + digest + " has no valid size");
    }
    return new Descriptor((ObjectNode) n, n.path("mediaType").asText(null), digest, s.asLong());
  }

  /** Parses every descriptor of an array field, which must exist. */
  static List<Descriptor> list(String display, String where, JsonNode doc, String field) throws ImageException {
    JsonNode arr = doc.get(field);
    if (arr == null || !arr.isArray()) {
      throw bad(display, where, "missing '" + field + "' array");
    }
    List<Descriptor> out = new ArrayList<>();
    for (JsonNode n : arr) {
      out.add(parse(display, where, n));
    }
    return out;
  }

  /** Reads and parses a JSON member of the input. */
  static JsonNode readJson(BlobStore store, String path) throws IOException {
    return parseJson(store.display(), path, store.readSmall(path, JSON_LIMIT));
  }

  /**
   * Reads the blob of a descriptor, checking presence, size and digest, then parses it as a JSON object.
   *
   * @param what e.g. "manifest" or "config", for messages
   * @param cache already verified documents by path, may be null
   */
  static ObjectNode readBlobJson(BlobStore store, Descriptor d, String what, Map<String, ObjectNode> cache)
      throws IOException {
    if (cache != null && cache.containsKey(d.path())) {
      return cache.get(d.path());
    }
    String display = store.display();
    if (!store.exists(d.path())) {
      throw new ImageException(ImageException.where(display, null, null, "blob " + d.path() + " (" + what + ") is missing"));
    }
    byte[] bytes = store.readSmall(d.path(), JSON_LIMIT);
    if (bytes.length != d.size) {
      throw bad(display, d.path(), what + " size mismatch: descriptor says " + d.size + " bytes, blob is " + bytes.length);
    }
    Digest actual = digestOf(d.digest.algorithm(), bytes);
    if (!actual.equals(d.digest)) {
      throw bad(display, d.path(), what + " digest mismatch: descriptor says " + d.digest + ", content is " + actual);
    }
    JsonNode n = parseJson(display, d.path(), bytes);
    if (!n.isObject()) {
      throw bad(display, d.path(), what + " is not a JSON object");
    }
    if (cache != null) {
      cache.put(d.path(), (ObjectNode) n);
    }
    return (ObjectNode) n;
  }

  static Digest digestOf(String algorithm, byte[] bytes) {
    String jdk = algorithm.equals("sha512") ? "SHA-512" : "SHA-256";
    return VerifyingLayerStream.toDigest(algorithm, VerifyingLayerStream.newDigest(jdk).digest(bytes));
  }

  static JsonNode parseJson(String display, String path, byte[] bytes) throws ImageException {
    try {
      return Json.parse(bytes);
    } catch (JsonProcessingException e) {
      throw new ImageException(
          ImageException.where(display, null, null, path + ": invalid JSON: " + VerifyingLayerStream.oneLine(e.getOriginalMessage())), e);
    } catch (IOException e) {
      throw new ImageException(ImageException.where(display, null, null, path + ": invalid JSON: " + e.getMessage()), e);
    }
  }

  static ImageException bad(String display, String path, String problem) {
    return new ImageException(ImageException.where(display, null, null, path + ": " + problem));
  }
}
