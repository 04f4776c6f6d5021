package dev.ocisquash.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * New content for the database files that stay when packages go: dpkg's {@code status} (and its
 * alternatives records, {@link DpkgAlternatives}) and apk's {@code installed} without the packages'
 * stanzas (every other byte as it was), apk's {@code world} without their names, and npm's hidden
 * lockfile {@code node_modules/.package-lock.json} without their {@code packages} entries (written
 * as npm writes it: two-space indent, a final newline). A file that would not change is left out.
 * Deterministic: the same tree and packages give the same bytes.
 */
final class DatabaseRewrites {
  private DatabaseRewrites() {}

  static SortedMap<String, byte[]> of(FileTree tree, List<InstalledPackage> removed)
      throws IOException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    List<InstalledPackage> dpkg = new ArrayList<>();
    List<String> apk = new ArrayList<>();
    Map<String, List<String>> npmKeys = new TreeMap<>();
    for (InstalledPackage p : removed) {
      switch (p.ecosystem()) {
        case DPKG -> dpkg.add(p);
        case APK -> apk.add(p.name());
        case NPM -> {
          int at = p.key().indexOf("/node_modules/");
          String root = at <= 0 ? "" : p.key().substring(0, at);
          npmKeys
              .computeIfAbsent(root + "/node_modules/.package-lock.json", k -> new ArrayList<>())
              .add(p.key().substring(at + 1));
        }
        default -> {}
      }
    }
    if (!dpkg.isEmpty()) {
      rewrite(
          tree,
          DpkgReader.STATUS,
          out,
          text ->
              dropStanzas(
                  text,
                  stanza -> {
                    String name = field(stanza, "Package:");
                    String arch = field(stanza, "Architecture:");
                    for (InstalledPackage p : dpkg) {
                      if (p.name().equals(name)
                          && (!p.key().contains(":") || p.key().equals(name + ":" + arch))) {
                        return true;
                      }
                    }
                    return false;
                  }));
    }
    if (!dpkg.isEmpty()) {
      java.util.Set<String> gone = new java.util.HashSet<>();
      for (InstalledPackage p : dpkg) {
        gone.addAll(p.files());
      }
      DpkgAlternatives.rewrites(tree, gone, out);
    }
    if (!apk.isEmpty()) {
      rewrite(
          tree,
          ApkReader.INSTALLED,
          out,
          text -> dropStanzas(text, s -> apk.contains(field(s, "P:"))));
      rewrite(tree, ApkReader.WORLD, out, text -> dropWorld(text, apk));
    }
    for (Map.Entry<String, List<String>> e : npmKeys.entrySet()) {
      TreeNode n = TreeFiles.regular(tree, e.getKey());
      if (n != null) {
        byte[] now = npmLock(TreeFiles.bytes(tree, n), e.getValue());
        if (now != null) {
          out.put(e.getKey(), now);
        }
      }
    }
    return out;
  }

  private interface Edit {
    String apply(String text);
  }

  private static void rewrite(FileTree tree, String path, Map<String, byte[]> out, Edit edit)
      throws IOException {
    TreeNode n = TreeFiles.regular(tree, path);
    if (n == null) {
      return;
    }
    String before = new String(TreeFiles.bytes(tree, n), StandardCharsets.UTF_8);
    String after = edit.apply(before);
    if (!after.equals(before)) {
      out.put(path, after.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The text without the stanzas {@code drop} picks; a stanza takes the blank lines after it along.
   * Everything else stays byte for byte.
   */
  static String dropStanzas(String text, Predicate<String> drop) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int start = i;
      // the stanza: non-blank lines
      while (i < text.length() && text.charAt(i) != '\n') {
        int eol = text.indexOf('\n', i);
        i = eol < 0 ? text.length() : eol + 1;
      }
      String stanza = text.substring(start, i);
      // its trailing blank lines
      while (i < text.length() && text.charAt(i) == '\n') {
        i++;
      }
      if (stanza.isEmpty() || !drop.test(stanza)) {
        out.append(text, start, i);
      }
    }
    return out.toString();
  }

  /** The value of a one-line field in a stanza, or null. */
  static @Nullable String field(String stanza, String name) {
    // An empty line never starts with a field name.
    for (String line : stanza.split("\n", -1)) {
      if (line.startsWith(name)) {
        return line.substring(name.length()).trim();
      }
    }
    return null;
  }

  /** apk's world: one constraint a line ({@code musl}, {@code musl>=1.2}, {@code musl@edge}). */
  static String dropWorld(String text, List<String> names) {
    StringBuilder out = new StringBuilder();
    for (String token : text.split("\\s+", -1)) {
      if (!token.isEmpty() && !names.contains(ApkReader.name(token).split("@", 2)[0])) {
        out.append(token).append('\n');
      }
    }
    return out.length() == 0 && !text.isBlank() ? "" : out.toString();
  }

  /**
   * The lockfile without the entries {@code keys} (and those below them); null when unchanged or
   * not an object.
   */
  static byte @Nullable [] npmLock(byte[] bytes, List<String> keys) {
    JsonNode root;
    try {
      root = Json.parse(bytes);
    } catch (IOException malformed) {
      return null;
    }
    if (!(root instanceof ObjectNode) || !(root.get("packages") instanceof ObjectNode packages)) {
      return null;
    }
    boolean changed = false;
    for (Iterator<String> it = packages.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      for (String key : keys) {
        if (k.equals(key) || k.startsWith(key + "/")) {
          it.remove();
          changed = true;
          break;
        }
      }
    }
    if (!changed) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    NpmJson.write(root, "", sb);
    return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }
}
