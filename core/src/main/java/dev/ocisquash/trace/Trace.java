package dev.ocisquash.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What one or more traced runs touched: the image paths, sorted, and the commands that were traced.
 * Merging is the union. Its file format (docs/trace.md):
 *
 * <pre>
 * {"format": "ocisquash-trace", "version": 1, "commands": [["python3", "-c", "..."]], "paths": ["/etc/ld.so.cache", ...]}
 * </pre>
 *
 * @param commands the argument vectors traced, in order
 * @param paths absolute image paths touched (symlinks on the way and their targets), sorted
 */
public record Trace(List<List<String>> commands, SortedSet<String> paths) {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "ocisquash-trace";

  /** The format version this code writes and reads. */
  public static final int VERSION = 1;

  public Trace {
    commands = List.copyOf(commands.stream().map(List::copyOf).toList());
    paths = Collections.unmodifiableSortedSet(new TreeSet<>(paths));
  }

  /** The union of several traces. */
  public static Trace merge(Collection<Trace> traces) {
    List<List<String>> cmds = new ArrayList<>();
    SortedSet<String> all = new TreeSet<>();
    for (Trace t : traces) {
      cmds.addAll(t.commands());
      all.addAll(t.paths());
    }
    return new Trace(cmds, all);
  }

  /** The JSON form. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("format", FORMAT);
    o.put("version", VERSION);
    ArrayNode cs = o.putArray("commands");
    for (List<String> c : commands) {
      ArrayNode a = cs.addArray();
      c.forEach(a::add);
    }
    ArrayNode ps = o.putArray("paths");
    paths.forEach(ps::add);
    return o;
  }

  /**
   * Reads the JSON form.
   *
   * @param source the file's name, for messages
   * @throws ImageException naming the file and what is wrong
   */
  public static Trace fromJson(String source, byte[] bytes) throws ImageException {
    JsonNode root;
    try {
      root = Json.parse(bytes);
    } catch (IOException e) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          source + ": not a trace file: invalid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (!root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          source + ": not a trace file: \"format\" is not \"" + FORMAT + "\"");
    }
    if (root.path("version").asInt(-1) != VERSION) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          source
              + ": trace format version "
              + root.path("version")
              + " is not supported (this tool reads "
              + VERSION
              + ")");
    }
    List<List<String>> cmds = new ArrayList<>();
    for (JsonNode c : root.path("commands")) {
      List<String> argv = new ArrayList<>();
      c.forEach(a -> argv.add(a.asText()));
      cmds.add(argv);
    }
    SortedSet<String> paths = new TreeSet<>();
    JsonNode ps = root.path("paths");
    if (!ps.isArray()) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT, source + ": not a trace file: \"paths\" is not an array");
    }
    int i = 0;
    for (JsonNode p : ps) {
      if (!p.isTextual() || !p.asText().startsWith("/")) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT, source + ": paths[" + i + "] is not an absolute path: " + p);
      }
      paths.add(p.asText());
      i++;
    }
    return new Trace(cmds, paths);
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
