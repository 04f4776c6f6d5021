package dev.ocisquash.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.tar.PathNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The shared JSON mapper and the one serialisation used for files ocisquash writes. Manifests,
 * configs and indexes are handled as {@link ObjectNode} trees rather than POJOs so that fields we
 * do not know survive a round trip. Output is compact and keeps the insertion order of the tree, so
 * the same tree always gives the same bytes and thus the same digest.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** The shared mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A new empty array node. */
  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /**
   * Parses JSON bytes into a tree.
   *
   * @throws IOException when the bytes are not one valid JSON value
   */
  public static JsonNode parse(byte[] bytes) throws IOException {
    JsonNode node = MAPPER.readTree(bytes);
    if (node == null || node.isMissingNode()) {
      throw new IOException("empty JSON document");
    }
    return node;
  }

  /** The canonical bytes for a tree we write: compact UTF-8, fields in insertion order. */
  public static byte[] canonicalBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // A tree built in memory always serialises; anything else is a programming error.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a report for people and tools, pretty-printed: every string and field name passes
   * through {@link PathNames#display}, so a path that is not UTF-8 appears as {@code \xNN} escapes
   * instead of making the output unencodable.
   *
   * @throws IOException when writing fails
   */
  public static void writeForPeople(OutputStream out, Object value) throws IOException {
    try (JsonGenerator g = displaying(MAPPER.getFactory().createGenerator(out))) {
      g.useDefaultPrettyPrinter();
      MAPPER.writeValue(g, value);
    }
  }

  /**
   * The compact JSON text of {@code value}, with strings and field names as {@link #writeForPeople}
   * writes them.
   */
  public static String forPeople(Object value) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = displaying(MAPPER.getFactory().createGenerator(w))) {
      MAPPER.writeValue(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static JsonGenerator displaying(JsonGenerator g) {
    return new JsonGeneratorDelegate(g, false) {
      @Override
      public void writeString(String text) throws IOException {
        super.writeString(text == null ? null : PathNames.display(text));
      }

      @Override
      public void writeFieldName(String name) throws IOException {
        super.writeFieldName(PathNames.display(name));
      }
    };
  }
}
