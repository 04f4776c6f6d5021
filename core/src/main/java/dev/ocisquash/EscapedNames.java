package dev.ocisquash;

/**
 * Shows entry names that carry escaped bytes ({@code tar.PathNames} decodes each byte of a name
 * that is not valid UTF-8 to the lone surrogate {@code U+DC00 + byte}) as {@code \xNN}. Here, in
 * the root package, so that error messages can name entries without the root package depending on
 * {@code tar}.
 */
public final class EscapedNames {
  private static final char ESCAPE_BASE = '\uDC00';

  private EscapedNames() {}

  /**
   * The name for people and for text formats: each escaped byte is written as {@code \xNN};
   * everything else, surrogate pairs included, is unchanged. Applied to a whole document, it
   * changes only the escapes.
   */
  public static String display(String s) {
    int n = s.length();
    int first = -1;
    for (int i = 0; i < n; i++) {
      if (isEscape(s, i)) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(n + 16).append(s, 0, first);
    for (int i = first; i < n; i++) {
      char c = s.charAt(i);
      if (isEscape(s, i)) {
        sb.append("\\x")
            .append(Character.forDigit((c >> 4) & 0xF, 16))
            .append(Character.forDigit(c & 0xF, 16));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Whether the char at {@code i} is a lone low surrogate, i.e. an escaped byte (or any unpaired
   * surrogate).
   */
  public static boolean isEscape(String s, int i) {
    char c = s.charAt(i);
    if (!Character.isSurrogate(c)) {
      return false;
    }
    if (Character.isHighSurrogate(c)) {
      return false; // a pair's first half, or a stray one that encode() leaves to the UTF-8 encoder
    }
    boolean paired = i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    return !paired && c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xFF;
  }
}
