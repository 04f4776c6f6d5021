package dev.ocisquash.registry;

/**
 * Text from a server or a reference made safe for one terminal line: control characters shown as
 * {@code ?}.
 */
final class Printable {
  private static final int MAX = 200;

  private Printable() {}

  /**
   * {@code s} with every control character (C0, DEL, C1) replaced by {@code ?}, cut at 200
   * characters.
   */
  static String of(String s) {
    if (s == null) {
      return "null";
    }
    String t = s.length() > MAX ? s.substring(0, MAX) + "..." : s;
    return t.replaceAll("[\\x00-\\x1f\\x7f-\\x9f]", "?");
  }

  /**
   * A message as one line: line breaks (and the space around them) become one space, other controls
   * {@code ?}.
   */
  static String line(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("[\\x00-\\x1f\\x7f-\\x9f]", "?");
  }
}
