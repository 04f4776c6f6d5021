package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed path glob: absolute, split into components. {@code *} and {@code ?} stay within one
 * component, {@code **} (a whole component) matches zero or more components, {@code [a-z]} and
 * {@code [!x]} are character classes, {@code \x} escapes, and {@code {a,b}} alternatives are
 * expanded before parsing.
 */
final class Glob {
  /** One component of a glob. */
  static final class Segment {
    /** Kind of segment. */
    enum Kind {
      LITERAL,
      PATTERN,
      DOUBLESTAR
    }

    final Kind kind;

    /** For LITERAL: the name. */
    final @Nullable String literal;

    /** For PATTERN: the compiled component pattern. */
    final @Nullable ComponentPattern pattern;

    Segment(Kind kind, @Nullable String literal, @Nullable ComponentPattern pattern) {
      this.kind = kind;
      this.literal = literal;
      this.pattern = pattern;
    }
  }

  final String text;
  final List<Segment> segments;

  private Glob(String text, List<Segment> segments) {
    this.text = text;
    this.segments = segments;
  }

  /**
   * Parses a glob (braces expanded), giving one Glob per alternative.
   *
   * @throws IllegalArgumentException with a one-line message when the glob is malformed
   */
  static List<Glob> parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty glob");
    }
    if (!text.startsWith("/") && !text.startsWith("**")) {
      throw new IllegalArgumentException(
          "glob '" + text + "' must be absolute: start with '/' (or '**' to match anywhere)");
    }
    List<Glob> out = new ArrayList<>();
    for (String alt : expandBraces(text)) {
      out.add(parseOne(text, alt));
    }
    return out;
  }

  private static Glob parseOne(String original, String text) {
    String t = text.startsWith("/") ? text.substring(1) : text;
    while (t.endsWith("/") && !t.endsWith("\\/")) {
      t = t.substring(0, t.length() - 1);
    }
    List<Segment> segs = new ArrayList<>();
    if (!t.isEmpty()) {
      for (String comp : splitComponents(t)) {
        if (comp.isEmpty() || comp.equals(".")) {
          continue;
        }
        if (comp.equals("..")) {
          throw new IllegalArgumentException("glob '" + original + "' must not contain '..'");
        }
        if (comp.equals("**")) {
          if (!segs.isEmpty() && segs.get(segs.size() - 1).kind == Segment.Kind.DOUBLESTAR) {
            continue;
          }
          segs.add(new Segment(Segment.Kind.DOUBLESTAR, null, null));
          continue;
        }
        ComponentPattern p = ComponentPattern.compile(comp, original);
        if (p.isLiteral()) {
          segs.add(new Segment(Segment.Kind.LITERAL, p.literal(), null));
        } else {
          segs.add(new Segment(Segment.Kind.PATTERN, null, p));
        }
      }
    }
    return new Glob(original, Collections.unmodifiableList(segs));
  }

  private static List<String> splitComponents(String t) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '\\' && i + 1 < t.length()) {
        cur.append(c).append(t.charAt(++i));
        continue;
      }
      if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      }
      if (c == '/' && !inClass) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Expands {@code {a,b}} alternatives (nesting allowed); a backslash escapes a brace or comma. */
  static List<String> expandBraces(String s) {
    int open = -1;
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
        continue;
      }
      if (c == '{') {
        if (depth == 0) {
          open = i;
        }
        depth++;
      } else if (c == '}' && depth > 0) {
        depth--;
        if (depth == 0) {
          List<String> alts = new ArrayList<>();
          int start = open + 1;
          int d = 0;
          for (int j = open + 1; j < i; j++) {
            char cj = s.charAt(j);
            if (cj == '\\') {
              j++;
            } else if (cj == '{') {
              d++;
            } else if (cj == '}') {
              d--;
            } else if (cj == ',' && d == 0) {
              alts.add(s.substring(start, j));
              start = j + 1;
            }
          }
          alts.add(s.substring(start, i));
          String pre = s.substring(0, open);
          String post = s.substring(i + 1);
          List<String> out = new ArrayList<>();
          for (String a : alts) {
            out.addAll(expandBraces(pre + a + post));
          }
          return out;
        }
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("glob '" + s + "' has an unclosed '{'");
    }
    return List.of(s);
  }
}
