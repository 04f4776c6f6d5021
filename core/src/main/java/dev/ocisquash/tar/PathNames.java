package dev.ocisquash.tar;

import dev.ocisquash.EscapedNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one mapping between a tar name's bytes and the {@link String} that strip rules, the planned
 * tree and the reports use. Names in a layer are bytes and need not be UTF-8; a lenient decode
 * would turn every invalid byte into U+FFFD, so two different names could become one string and
 * share one strip decision. Here valid UTF-8 decodes as usual and each byte that is not part of a
 * valid sequence becomes the lone surrogate {@code U+DC00 + byte} (the "surrogateescape" rule of
 * PEP 383). Valid UTF-8 never decodes to a lone surrogate, so the mapping is one to one and {@link
 * #encode} gives the exact bytes back. {@link #display} turns the escapes into {@code \xNN} for
 * people and for JSON, HTML and text output, where a lone surrogate cannot be encoded.
 */
public final class PathNames {
  private static final char ESCAPE_BASE = '\uDC00';

  private PathNames() {}

  /** Decodes a whole name; see the class comment. */
  public static String decode(byte[] b) {
    return decode(b, 0, b.length);
  }

  /**
   * Decodes a name (no leading slash) as the absolute path that strip rules and the planned tree
   * use: {@code "/"} followed by {@link #decode}.
   */
  public static String decodeAbsolute(byte[] b) {
    byte[] abs = new byte[b.length + 1];
    abs[0] = '/';
    System.arraycopy(b, 0, abs, 1, b.length);
    return decode(abs);
  }

  /** Decodes {@code len} bytes of a name starting at {@code off}; see the class comment. */
  public static String decode(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && b[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(
          b, off, len, StandardCharsets.ISO_8859_1); // ASCII: the common case, and the fastest
    }
    StringBuilder sb = new StringBuilder(len);
    for (int k = off; k < i; k++) {
      sb.append((char) b[k]);
    }
    while (i < end) {
      int n = sequenceLength(b, i, end);
      if (n == 0) {
        sb.append((char) (ESCAPE_BASE + (b[i] & 0xFF)));
        i++;
      } else {
        sb.append(new String(b, i, n, StandardCharsets.UTF_8));
        i += n;
      }
    }
    return sb.toString();
  }

  /**
   * The exact bytes {@link #decode} read {@code name} from; characters not from a decode are UTF-8
   * encoded.
   */
  public static byte[] encode(String name) {
    int n = name.length();
    boolean plain = true;
    for (int i = 0; i < n && plain; i++) {
      plain = !isEscape(name, i);
    }
    if (plain) {
      return name.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 8);
    int runStart = 0;
    for (int i = 0; i < n; i++) {
      if (isEscape(name, i)) {
        out.writeBytes(name.substring(runStart, i).getBytes(StandardCharsets.UTF_8));
        out.write(name.charAt(i) & 0xFF);
        runStart = i + 1;
      }
    }
    out.writeBytes(name.substring(runStart).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /**
   * The name for people and for text formats: each escaped byte is written as {@code \xNN};
   * everything else, surrogate pairs included, is unchanged. Applied to a whole document, it
   * changes only the escapes.
   */
  public static String display(String s) {
    return EscapedNames.display(s);
  }

  /** Whether the char at {@code i} is an escaped byte; see {@link EscapedNames#isEscape}. */
  private static boolean isEscape(String s, int i) {
    return EscapedNames.isEscape(s, i);
  }

  /**
   * The length of the valid UTF-8 sequence starting at {@code i}, or 0 when the byte there does not
   * start one.
   */
  private static int sequenceLength(byte[] b, int i, int end) {
    int c = b[i] & 0xFF;
    if (c < 0x80) {
      return 1;
    }
    int n;
    int min;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + n > end) {
      return 0;
    }
    int cp = c & (0xFF >> (n + 1));
    for (int k = 1; k < n; k++) {
      int d = b[i + k] & 0xFF;
      if ((d & 0xC0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return 0; // overlong, out of range, or an encoded surrogate: not valid UTF-8
    }
    return n;
  }
}
