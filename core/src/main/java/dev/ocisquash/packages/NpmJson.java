package dev.ocisquash.packages;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** JSON as npm writes its lockfiles: {@code JSON.stringify(value, null, 2)}. */
final class NpmJson {
  private NpmJson() {}

  static void write(JsonNode n, String indent, StringBuilder out) {
    if (n.isObject()) {
      if (n.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.append(indent).append("  ");
        string(e.getKey(), out);
        out.append(": ");
        write(e.getValue(), indent + "  ", out);
        out.append(it.hasNext() ? ",\n" : "\n");
      }
      out.append(indent).append('}');
    } else if (n.isArray()) {
      if (n.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        out.append(indent).append("  ");
        write(n.get(i), indent + "  ", out);
        out.append(i + 1 < n.size() ? ",\n" : "\n");
      }
      out.append(indent).append(']');
    } else if (n.isTextual()) {
      string(n.asText(), out);
    } else {
      out.append(n.toString());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(s, out);
    out.append('"');
  }
}
