package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.ConfigJson;
import dev.ocisquash.model.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure edits of an image config for a squash. Every field it does not name (env, entrypoint,
 * labels, unknown fields) is left as it was.
 */
final class ConfigRewriter {
  private ConfigRewriter() {}

  /**
   * Replaces the layers from {@code firstSquashed} upwards by one new layer.
   *
   * <p>History: entries of kept layers stay unchanged; entries of squashed layers stay, with their
   * {@code created_by} and {@code comment}, but become {@code empty_layer} entries so {@code docker
   * history} still shows how the image was built; one entry for the new layer is appended. Its
   * {@code created} is taken from the input's last history entry (or the config's {@code created}),
   * never from the clock, so output is reproducible.
   */
  static ObjectNode squash(
      ObjectNode config,
      List<Digest> keptDiffIds,
      int firstSquashed,
      Digest newDiffId,
      String createdBy,
      String comment) {
    return squash(
        config, keptDiffIds, firstSquashed, List.of(newDiffId), createdBy, List.of(comment));
  }

  /**
   * Replaces the layers from {@code firstSquashed} upwards by several new layers, bottom first: as
   * {@link #squash(ObjectNode, List, int, Digest, String, String)}, with one history entry per new
   * layer, each with its own comment.
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
    ConfigJson out = new ConfigJson(config.deepCopy());
    List<Digest> ids = new ArrayList<>(keptDiffIds);
    ids.addAll(newDiffIds);
    out.setDiffIds(ids);

    String created = out.created();
    List<ConfigJson.History> history = new ArrayList<>();
    int layerNo = 0;
    for (ConfigJson.History h : out.history()) {
      ConfigJson.History copy = h.copy();
      if (!copy.emptyLayer()) {
        if (layerNo >= firstSquashed) {
          copy.markEmpty();
        }
        layerNo++;
      }
      if (copy.created() != null) {
        created = copy.created();
      }
      history.add(copy);
    }
    for (String comment : comments) {
      history.add(ConfigJson.History.of(created, createdBy, comment));
    }
    out.setHistory(history);
    return out.json();
  }

  /**
   * Sets {@code created} of the config and of the last history entry (the one describing the new
   * layer).
   */
  static void setCreated(ObjectNode config, String created) {
    setCreated(config, created, 1);
  }

  /**
   * Sets {@code created} of the config and of the last {@code newLayers} history entries (the new
   * layers').
   */
  static void setCreated(ObjectNode config, String created, int newLayers) {
    ConfigJson view = new ConfigJson(config);
    view.setCreated(created);
    view.setHistoryCreated(created, newLayers);
  }
}
