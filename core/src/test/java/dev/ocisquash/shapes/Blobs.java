package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Digests, compression and Go-style JSON (encoding/json field order, HTML escaping, MarshalIndent)
 * for the writers.
 */
public final class Blobs {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Blobs() {}

  public static String hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String digest(byte[] b) {
    return "sha256:" + hex(b);
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] b) {
    return Zstd.compress(b, 3);
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static JsonNode parse(byte[] b) {
    try {
      return MAPPER.readTree(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A descriptor in Go's field order: mediaType, (digest, size) or (size, digest) as the writer's
   * struct has it.
   */
  static ObjectNode desc(String mediaType, byte[] content, boolean sizeFirst) {
    ObjectNode d = object();
    d.put("mediaType", mediaType);
    if (sizeFirst) { // go-containerregistry's v1.Descriptor
      d.put("size", content.length);
      d.put("digest", digest(content));
    } else { // opencontainers/image-spec's ocispec.Descriptor, Jib's templates
      d.put("digest", digest(content));
      d.put("size", content.length);
    }
    return d;
  }

  /** json.Marshal: compact, with Go's HTML escaping of {@code < > &}. */
  static byte[] go(JsonNode n) {
    StringBuilder b = new StringBuilder();
    write(b, n, null, 0);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** json.MarshalIndent(v, "", indent). */
  static byte[] goIndent(JsonNode n, String indent) {
    StringBuilder b = new StringBuilder();
    write(b, n, indent, 0);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** json.NewEncoder(w).Encode(v): compact plus a newline. */
  static byte[] goEncode(JsonNode n) {
    return (new String(go(n), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder b, JsonNode n, String indent, int depth) {
    if (n.isObject()) {
      if (n.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append('{');
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      boolean first = true;
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          b.append(',');
        }
        first = false;
        newline(b, indent, depth + 1);
        string(b, e.getKey());
        b.append(indent == null ? ":" : ": ");
        write(b, e.getValue(), indent, depth + 1);
      }
      newline(b, indent, depth);
      b.append('}');
    } else if (n.isArray()) {
      if (n.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        newline(b, indent, depth + 1);
        write(b, n.get(i), indent, depth + 1);
      }
      newline(b, indent, depth);
      b.append(']');
    } else if (n.isTextual()) {
      string(b, n.asText());
    } else {
      b.append(n.toString());
    }
  }

  private static void newline(StringBuilder b, String indent, int depth) {
    if (indent != null) {
      b.append('\n').append(indent.repeat(depth));
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<', '>', '&' -> b.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
