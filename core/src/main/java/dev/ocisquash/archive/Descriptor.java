package dev.ocisquash.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An OCI content descriptor (mediaType, digest, size) plus the JSON helpers the readers share. */
final class Descriptor {
  /**
   * Configs, manifests and indexes above this size are refused: they are read whole into memory.
   */
  static final int JSON_LIMIT = 64 << 20;

  final ObjectNode node;
  final @Nullable String mediaType;
  final Digest digest;
  final long size;

  private Descriptor(ObjectNode node, @Nullable String mediaType, Digest digest, long size) {
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
    return new DescriptorJson(node).annotation(key);
  }

  /** The platform of an index entry, or null when it names none. */
  @Nullable Platform platform() {
    return new DescriptorJson(node).platform();
  }

  /** Parses a descriptor; {@code where} names the document for messages. */
  static Descriptor parse(String display, String where, JsonNode n) throws ImageException {
    if (n == null || !n.isObject()) {
      throw bad(display, where, "descriptor is not a JSON object");
    }
    DescriptorJson view = new DescriptorJson((ObjectNode) n);
    String d = view.digestText();
    if (d == null) {
      throw bad(display, where, "descriptor without digest");
    }
    Digest digest;
    try {
      digest = Digest.parse(d);
    } catch (IllegalArgumentException e) {
      throw bad(display, where, Objects.requireNonNullElse(e.getMessage(), "invalid digest"));
    }
    long size = view.size();
    if (size < 0) {
      throw bad(display, where, "descriptor " + digest + " has no valid size");
    }
    String mediaType = view.mediaType();
    if (view.mediaTypeMalformed()) {
      throw bad(display, where, "descriptor " + digest + " has a mediaType that is not a string");
    }
    return new Descriptor((ObjectNode) n, mediaType, digest, size);
  }

  /**
   * Parses every descriptor of an array, which must exist.
   *
   * @param arr the array node as written, null when absent
   * @param field its name, for the message
   */
  static List<Descriptor> list(String display, String where, JsonNode arr, String field)
      throws ImageException {
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
   * Reads the blob of a descriptor, checking presence, size and digest, then parses it as a JSON
   * object.
   *
   * @param what e.g. "manifest" or "config", for messages
   * @param cache already verified documents by path, may be null
   */
  static ObjectNode readBlobJson(
      BlobStore store, Descriptor d, String what, Map<String, ObjectNode> cache)
      throws IOException {
    if (cache != null && cache.containsKey(d.path())) {
      return cache.get(d.path());
    }
    String display = store.display();
    if (!store.exists(d.path())) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              display, null, null, "blob " + d.path() + " (" + what + ") is missing"));
    }
    byte[] bytes = store.readSmall(d.path(), JSON_LIMIT);
    if (bytes.length != d.size) {
      throw bad(
          display,
          d.path(),
          what + " size mismatch: descriptor says " + d.size + " bytes, blob is " + bytes.length);
    }
    Digest actual = digestOf(d.digest.algorithm(), bytes);
    if (!actual.equals(d.digest)) {
      throw bad(
          display,
          d.path(),
          what + " digest mismatch: descriptor says " + d.digest + ", content is " + actual);
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
    return VerifyingLayerStream.toDigest(
        algorithm, VerifyingLayerStream.newDigest(jdk).digest(bytes));
  }

  static JsonNode parseJson(String display, String path, byte[] bytes) throws ImageException {
    try {
      return Json.parse(bytes);
    } catch (JsonProcessingException e) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              display,
              null,
              null,
              path + ": invalid JSON: " + VerifyingLayerStream.oneLine(e.getOriginalMessage())),
          e);
    } catch (IOException e) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(display, null, null, path + ": invalid JSON: " + e.getMessage()),
          e);
    }
  }

  static ImageException bad(String display, String path, String problem) {
    return bad(Kind.CORRUPT_INPUT, display, path, problem);
  }

  static ImageException bad(Kind kind, String display, String path, String problem) {
    return new ImageException(
        kind, ImageException.where(display, null, null, path + ": " + problem));
  }
}
