package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A typed view of an image config: {@code created}, {@code rootfs.diff_ids}, {@code history} and
 * the platform fields. The field names live here only. The view wraps the parsed node without
 * copying it and its setters change only the field they name, in place, so every other field (the
 * runtime config, labels, unknown fields) keeps its value and position and the config serialises to
 * the same bytes apart from what was set.
 *
 * @param json the config object
 */
public record ConfigJson(ObjectNode json) {
  static final String CREATED = "created";
  static final String ROOTFS = "rootfs";
  static final String TYPE = "type";
  static final String DIFF_IDS = "diff_ids";
  static final String HISTORY = "history";

  public ConfigJson {
    Objects.requireNonNull(json, "json");
  }

  /** {@code created}, or null when absent or not a string. */
  public @Nullable String created() {
    return Views.text(json, CREATED);
  }

  /** The {@code rootfs.diff_ids} node as written, or null when absent. */
  public JsonNode diffIdsNode() {
    return json.path(ROOTFS).get(DIFF_IDS);
  }

  /**
   * The platform the config declares ({@code os}, {@code architecture}, {@code variant}), or null.
   */
  public @Nullable Platform platform() {
    return Platform.fromJson(json);
  }

  /**
   * The history entries in order; a list with no entries when {@code history} is absent or not an
   * array. An entry that is not an object reads as an entry with no fields.
   */
  public List<History> history() {
    List<History> out = new ArrayList<>();
    JsonNode h = json.get(HISTORY);
    if (h != null && h.isArray()) {
      for (JsonNode e : h) {
        out.add(new History(e.isObject() ? (ObjectNode) e : Json.object()));
      }
    }
    return out;
  }

  /** Whether {@code history} is an array (an image may have none). */
  public boolean hasHistory() {
    JsonNode h = json.get(HISTORY);
    return h != null && h.isArray();
  }

  /**
   * Sets {@code rootfs} to a layers list of {@code diffIds}: {@code rootfs} stays where it is
   * ({@code type} and {@code diff_ids} too) or is added last, {@code type} first.
   */
  public void setDiffIds(List<Digest> diffIds) {
    ObjectNode rootfs = json.with(ROOTFS);
    rootfs.put(TYPE, "layers");
    ArrayNode ids = rootfs.arrayNode();
    for (Digest d : diffIds) {
      ids.add(d.toString());
    }
    rootfs.set(DIFF_IDS, ids);
  }

  /**
   * Replaces {@code history} (where it is, or last) by {@code entries}, which are used as they are.
   */
  public void setHistory(List<History> entries) {
    ArrayNode h = json.arrayNode();
    for (History e : entries) {
      h.add(e.json());
    }
    json.set(HISTORY, h);
  }

  /** Sets {@code created}, where it is or last. */
  public void setCreated(String created) {
    json.put(CREATED, created);
  }

  /**
   * Sets {@code created} of the last {@code n} history entries that are objects in the config
   * itself (entries that are not objects are left alone).
   */
  public void setHistoryCreated(String created, int n) {
    JsonNode h = json.get(HISTORY);
    if (h != null && h.isArray()) {
      for (int i = Math.max(0, h.size() - n); i < h.size(); i++) {
        if (h.get(i).isObject()) {
          ((ObjectNode) h.get(i)).put(CREATED, created);
        }
      }
    }
  }

  /**
   * One {@code history} entry: {@code created}, {@code created_by}, {@code comment}, {@code
   * empty_layer}.
   *
   * @param json the entry object
   */
  public record History(ObjectNode json) {
    static final String CREATED_BY = "created_by";
    static final String COMMENT = "comment";
    static final String EMPTY_LAYER = "empty_layer";

    public History {
      Objects.requireNonNull(json, "json");
    }

    /**
     * A new entry: {@code created} (left out when null), {@code created_by}, {@code comment}, in
     * that order.
     */
    public static History of(@Nullable String created, String createdBy, String comment) {
      ObjectNode e = Json.object();
      if (created != null) {
        e.put(CREATED, created);
      }
      e.put(CREATED_BY, createdBy);
      e.put(COMMENT, comment);
      return new History(e);
    }

    /** {@code created}, or null when absent or not a string. */
    public @Nullable String created() {
      return Views.text(json, CREATED);
    }

    /** {@code created_by} as text; empty when absent. */
    public String createdBy() {
      return json.path(CREATED_BY).asText("");
    }

    /** Whether the entry says {@code empty_layer: true} (it then has no layer of its own). */
    public boolean emptyLayer() {
      return json.path(EMPTY_LAYER).asBoolean(false);
    }

    /** A deep copy, to edit apart from the config it came from. */
    public History copy() {
      return new History(json.deepCopy());
    }

    /** Sets {@code empty_layer: true}, where the field is or last. */
    public void markEmpty() {
      json.put(EMPTY_LAYER, true);
    }
  }
}
