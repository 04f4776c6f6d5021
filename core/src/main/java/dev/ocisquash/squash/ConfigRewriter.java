package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Digest;
import java.util.List;

/**
 * Pure edits of an image config for a squash. Every field it does not name (env, entrypoint, labels, unknown
 * fields) is left as it was.
 */
final class ConfigRewriter {
  private ConfigRewriter() {}

  /**
   * Replaces the layers from {@code firstSquashed} upwards by one new layer.
   *
   * <p>History: entries of kept layers stay unchanged; entries of squashed layers stay, with their
   * {@code created_by} and {@code comment}, but become {@code empty_layer} entries so {@code docker history} still
   * shows how the image was built; one entry for the new layer is appended. Its {@code created} is taken from the
   * input's last history entry (or the config's {@code created}), never from the clock, so output is reproducible.
   */
  static ObjectNode squash(
      ObjectNode config, List<Digest> keptDiffIds, int firstSquashed, Digest newDiffId, String createdBy, String comment) {
    return squash(config, keptDiffIds, firstSquashed, List.of(newDiffId), createdBy, List.of(comment));
  }

  /**
   * Replaces the layers from {@code firstSquashed} upwards by several new layers, bottom first: as {@link
   * #squash(ObjectNode, List, int, Digest, String, String)}, with one history entry per new layer, each with its
   * own comment.
   */
  static ObjectNode squash(
      ObjectNode config,
      List<Digest> keptDiffIds,
      int firstSquashed,
      List<Digest> newDiffIds,
      String createdBy,
      List<String> comments) {
    if (newDiffIds.size() != comments.size() || newDiffIds.isEmpty()) {
      throw new IllegalArgumentException("one comment per new layer, at least one layer");
    }
    ObjectNode out = config.deepCopy();
    ObjectNode rootfs = out.with("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = JsonNodeFactory.instance.arrayNode();
    for (Digest d : keptDiffIds) {
      ids.add(d.toString());
    }
    for (Digest d : newDiffIds) {
      ids.add(d.toString());
    }
    rootfs.set("diff_ids", ids);

    String created = out.path("created").isTextual() ? out.get("created").asText() : null;
    ArrayNode history = JsonNodeFactory.instance.arrayNode();
    JsonNode old = out.get("history");
    int layerNo = 0;
    if (old != null && old.isArray()) {
      for (JsonNode h : old) {
        ObjectNode copy = h.isObject() ? ((ObjectNode) h).deepCopy() : JsonNodeFactory.instance.objectNode();
        boolean empty = copy.path("empty_layer").asBoolean(false);
        if (!empty) {
          if (layerNo >= firstSquashed) {
            copy.put("empty_layer", true);
          }
          layerNo++;
        }
        if (copy.path("created").isTextual()) {
          created = copy.get("created").asText();
        }
        history.add(copy);
      }
    }
    for (String comment : comments) {
      ObjectNode entry = history.addObject();
      if (created != null) {
        entry.put("created", created);
      }
      entry.put("created_by", createdBy);
      entry.put("comment", comment);
    }
    out.set("history", history);
    return out;
  }

  /** Sets {@code created} of the config and of the last history entry (the one describing the new layer). */
  static void setCreated(ObjectNode config, String created) {
    setCreated(config, created, 1);
  }

  /** Sets {@code created} of the config and of the last {@code newLayers} history entries (the new layers'). */
  static void setCreated(ObjectNode config, String created, int newLayers) {
    config.put("created", created);
    JsonNode h = config.get("history");
    if (h != null && h.isArray()) {
      for (int i = Math.max(0, h.size() - newLayers); i < h.size(); i++) {
        if (h.get(i).isObject()) {
          ((ObjectNode) h.get(i)).put("created", created);
        }
      }
    }
  }
}
