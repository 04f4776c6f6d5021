package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** What the JSON views share: lenient reads that treat a field of the wrong type as absent. */
final class Views {
  private Views() {}

  /** The string at {@code field}, or null when absent or not a string. */
  static @Nullable String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && n.isTextual() ? n.asText() : null;
  }
}
