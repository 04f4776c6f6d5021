package dev.ocisquash.strip;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds which Python modules a source file may import, for the tests preset's import check: a
 * {@code tests} directory that a kept package imports must stay. Reads text, not syntax: after
 * comments and triple-quoted strings (docstrings) are blanked, every dotted name left counts
 * (imports, and {@code importlib.import_module("a.b")} strings), and relative imports are resolved
 * against the file's package. A dotted name in code that is not an import keeps a directory that
 * could have gone; that errs on the side of a working image.
 */
final class PythonImports {
  /**
   * Directories that hold installed packages; the path below the last one is the dotted module
   * name.
   */
  static final List<String> PACKAGE_ROOTS = List.of("site-packages", "dist-packages");

  private static final Pattern DOTTED =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+");
  private static final Pattern FROM_IMPORT =
      Pattern.compile(
          "(?m)^[ \\t]*from[ \\t]+(\\.*)[ \\t]*([A-Za-z_][A-Za-z0-9_.]*)?[ \\t]+import[ \\t]+"
              + "(\\([^)]*\\)|(?:[^\\n\\\\#;]|\\\\\\n)*)");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private PythonImports() {}

  /**
   * The dotted module name of a path below {@code site-packages} or {@code dist-packages} (the last
   * such component), or null when the path is not below one. {@code
   * /usr/lib/python3/dist-packages/numpy/core/tests} gives {@code numpy.core.tests}.
   */
  static @Nullable String moduleOf(String path) {
    // A normalised path has no empty component (the root "/" gives two and no module).
    String[] parts = path.split("/", -1);
    int root = -1;
    for (int i = 0; i < parts.length; i++) {
      if (PACKAGE_ROOTS.contains(parts[i])) {
        root = i;
      }
    }
    if (root < 0 || root == parts.length - 1) {
      return null;
    }
    return String.join(".", java.util.Arrays.copyOfRange(parts, root + 1, parts.length));
  }

  /**
   * Every module name (with two or more components) that a file may import: each dotted name in its
   * text and each of its prefixes, and the absolute names of its relative imports and of the names
   * they import.
   *
   * @param text the file's text
   * @param filePath the file's absolute path in the image (its directory is the package relative
   *     imports start from)
   */
  static Set<String> references(String text, String filePath) {
    String source = blankCommentsAndDocstrings(text);
    Set<String> out = new HashSet<>();
    Matcher d = DOTTED.matcher(source);
    while (d.find()) {
      addWithPrefixes(d.group(), out);
    }
    String dir = TreePaths.parentOf(filePath);
    String pkg = dir == null ? null : moduleOf(dir);
    Matcher f = FROM_IMPORT.matcher(source);
    while (f.find()) {
      String dots = f.group(1);
      String mod = f.group(2) == null ? "" : f.group(2);
      String base;
      if (dots.isEmpty()) {
        base = mod;
      } else {
        if (pkg == null) {
          continue;
        }
        String[] p = pkg.split("\\.", -1);
        int parts = p.length;
        while (parts > 0 && p[parts - 1].isEmpty()) {
          parts--; // a directory named "x." ends in an empty part, not a package level
        }
        int keep = parts - (dots.length() - 1);
        if (keep <= 0) {
          continue;
        }
        base =
            String.join(".", java.util.Arrays.copyOfRange(p, 0, keep))
                + (mod.isEmpty() ? "" : "." + mod);
      }
      if (base.isEmpty()) {
        continue;
      }
      addWithPrefixes(base, out);
      for (String item : f.group(3).replaceAll("[()\\\\]", " ").split(",", -1)) {
        Matcher n = NAME.matcher(item.trim());
        if (n.lookingAt() && !n.group().equals("as")) {
          addWithPrefixes(base + "." + n.group(), out);
        }
      }
    }
    return out;
  }

  /**
   * The text with {@code #} comments and triple-quoted strings replaced by spaces (newlines kept,
   * so statements stay on their lines); one-line string literals are kept, they may name a module
   * to import.
   */
  static String blankCommentsAndDocstrings(String s) {
    StringBuilder b = new StringBuilder(s);
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '#') {
        int end = s.indexOf('\n', i);
        end = end < 0 ? n : end;
        blank(b, i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        boolean triple = i + 2 < n && s.charAt(i + 1) == c && s.charAt(i + 2) == c;
        int j = i + (triple ? 3 : 1);
        while (j < n) {
          char d = s.charAt(j);
          if (d == '\\') {
            j += 2;
          } else if (d == c
              && (!triple || (j + 2 < n && s.charAt(j + 1) == c && s.charAt(j + 2) == c))) {
            j += triple ? 3 : 1;
            break;
          } else if (d == '\n' && !triple) {
            break;
          } else {
            j++;
          }
        }
        j = Math.min(j, n);
        if (triple) {
          blank(b, i, j);
        }
        i = j;
      } else {
        i++;
      }
    }
    return b.toString();
  }

  private static void blank(StringBuilder b, int from, int to) {
    for (int k = from; k < to; k++) {
      if (b.charAt(k) != '\n') {
        b.setCharAt(k, ' ');
      }
    }
  }

  private static void addWithPrefixes(String dotted, Set<String> out) {
    int i = dotted.indexOf('.');
    while (i > 0) {
      int next = dotted.indexOf('.', i + 1);
      out.add(next < 0 ? dotted : dotted.substring(0, next));
      i = next;
    }
  }
}
