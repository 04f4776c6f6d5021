package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A typed view of one entry of docker's {@code manifest.json}: {@code Config}, {@code RepoTags},
 * {@code Layers} (paths inside the archive). The field names live here only.
 *
 * @param json the entry object
 */
public record DockerManifestJson(ObjectNode json) {
  static final String CONFIG = "Config";
  static final String REPO_TAGS = "RepoTags";
  static final String LAYERS = "Layers";

  public DockerManifestJson {
    Objects.requireNonNull(json, "json");
  }

  /**
   * Appends a new entry to {@code manifestJson}: {@code Config}, {@code RepoTags} (null when there
   * are none, as docker writes an untagged image), {@code Layers}, in that order.
   */
  public static DockerManifestJson add(
      ArrayNode manifestJson, String config, List<String> repoTags, List<String> layers) {
    ObjectNode e = manifestJson.addObject();
    e.put(CONFIG, config);
    if (repoTags.isEmpty()) {
      e.putNull(REPO_TAGS);
    } else {
      ArrayNode t = e.putArray(REPO_TAGS);
      repoTags.forEach(t::add);
    }
    ArrayNode ls = e.putArray(LAYERS);
    layers.forEach(ls::add);
    return new DockerManifestJson(e);
  }

  /** {@code Config}, or null when absent or not a string. */
  public @Nullable String config() {
    return Views.text(json, CONFIG);
  }

  /** The {@code RepoTags} node as written (absent, null or an array), or null when absent. */
  public JsonNode repoTagsNode() {
    return json.get(REPO_TAGS);
  }

  /** The {@code Layers} node as written, or null when absent. */
  public JsonNode layersNode() {
    return json.get(LAYERS);
  }
}
