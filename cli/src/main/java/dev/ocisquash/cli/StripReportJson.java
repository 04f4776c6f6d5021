package dev.ocisquash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.squash.SquashedLayer;
import dev.ocisquash.strip.StripReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes the strip report for {@code --report-json}, with the new layers when the squash wrote
 * several.
 */
final class StripReportJson {
  private StripReportJson() {}

  static void write(StripReport report, Path file) throws IOException {
    write(report, null, file);
  }

  /**
   * Writes the strip report's fields (when there is one) and, when {@code layers} is not null, a
   * {@code layers} array: each new layer's slot, digest, size, entries and groups with their bytes,
   * largest first.
   */
  static void write(@Nullable StripReport report, @Nullable List<SquashedLayer> layers, Path file)
      throws IOException {
    ObjectMapper mapper = Json.mapper();
    if (layers == null) {
      // one layer: SquashCommand writes the report only when the squash stripped something
      writeForPeople(file, Objects.requireNonNull(report, "no strip report and no layers"));
      return;
    }
    ObjectNode root = report == null ? mapper.createObjectNode() : mapper.valueToTree(report);
    ArrayNode arr = root.putArray("layers");
    for (SquashedLayer l : layers) {
      ObjectNode o = arr.addObject();
      o.put("slot", l.slot());
      o.put("maxLayers", l.maxLayers());
      o.put("digest", l.digest().toString());
      o.put("diffId", l.diffId().toString());
      o.put("size", l.size());
      o.put("entries", l.entries());
      ObjectNode g = o.putObject("groups");
      Map<String, Long> groups = l.groups();
      for (String id : l.topOwners(groups.size())) {
        g.put(id, groups.get(id));
      }
    }
    writeForPeople(file, root);
  }

  /** Paths that are not UTF-8 are written as {@code \\xNN} (see {@link Json#writeForPeople}). */
  private static void writeForPeople(Path file, Object value) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      Json.writeForPeople(out, value);
    }
  }
}
