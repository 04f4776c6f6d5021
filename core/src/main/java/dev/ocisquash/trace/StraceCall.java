package dev.ocisquash.trace;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One complete system call from an {@code strace} log, split into its parts: the name, the
 * top-level arguments as written, and the result. Arguments keep strace's notation ({@code
 * "quoted"}, {@code AT_FDCWD}, {@code 3</path>} with {@code -y}); {@link #string} and {@link
 * #fdPath} decode them.
 *
 * @param pid the process id, or 0 when the log has no pid column (a trace without {@code -f})
 * @param name the system call's name
 * @param args the top-level arguments, verbatim
 * @param result what follows {@code =}: {@code 0}, {@code 3</etc/passwd>}, {@code -1 ENOENT (...)},
 *     {@code ?}
 */
record StraceCall(int pid, String name, List<String> args, String result) {
  /**
   * The integer the call returned, or null when it is not a plain number (for example {@code ?}).
   */
  @Nullable Long returnValue() {
    String r = result.strip();
    int end = 0;
    while (end < r.length()
        && (Character.isDigit(r.charAt(end)) || (end == 0 && r.charAt(0) == '-'))) {
      end++;
    }
    if (end == 0 || (end == 1 && r.charAt(0) == '-')) {
      return null;
    }
    try {
      return Long.parseLong(r.substring(0, end));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether the call returned -1 (failed with an errno). */
  boolean failed() {
    Long v = returnValue();
    return v != null && v < 0;
  }

  /** The path strace printed after the returned fd with {@code -y}, or null. */
  @Nullable String resultPath() {
    return fdPath(result.strip());
  }

  /**
   * An argument list and where it ends.
   *
   * @param args the arguments, split at top-level commas
   * @param close the index of the {@code )} that closes the list
   */
  record ArgList(List<String> args, int close) {}

  /**
   * The one scanner of strace's argument syntax: reads the argument list opened by the {@code (} at
   * {@code open} up to the {@code )} that closes it, and splits it at top-level commas. Commas and
   * brackets inside quotes (with backslash escapes), brackets, braces, parentheses and {@code -y}
   * fd annotations ({@code 3</path>}, {@code AT_FDCWD</path>}, which may hold any of them) neither
   * split nor close.
   *
   * @return the list, or null when quotes or brackets are unbalanced or mismatched
   */
  static @Nullable ArgList argList(String s, int open) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = open + 1;
    boolean quoted = false;
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if (c == ']' || c == '}' || c == ')') {
        if (depth == 0) {
          if (c != ')') {
            return null;
          }
          String last = s.substring(start, i).strip();
          if (!last.isEmpty() || !out.isEmpty()) {
            out.add(last);
          }
          return new ArgList(out, i);
        }
        depth--;
      } else if (c == '<'
          && (Character.isDigit(s.charAt(i - 1)) || s.startsWith("AT_FDCWD<", i - 8))) {
        int close = annotationEnd(s, i);
        if (close < 0) {
          return null;
        }
        i = close;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i).strip());
        start = i + 1;
      }
    }
    return null;
  }

  /**
   * The index of the {@code >} closing an fd annotation opened at {@code open}, skipping escapes;
   * -1 if none.
   */
  private static int annotationEnd(String text, int open) {
    for (int i = open + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '>') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Decodes a quoted C string as strace prints it ({@code \n}, {@code \t}, {@code \"}, {@code \\},
   * {@code \xNN}, octal). A string strace cut short ({@code "abc"...}) is returned as null: it is
   * not a whole path.
   *
   * @return the decoded string (bytes read as UTF-8), or null when the argument is not a complete
   *     quoted string
   */
  static @Nullable String string(String arg) {
    if (arg.length() < 2
        || arg.charAt(0) != '"'
        || arg.endsWith("...")
        || arg.charAt(arg.length() - 1) != '"') {
      return null;
    }
    return unescape(arg, 1, arg.length() - 1);
  }

  /**
   * The path in an fd argument or result annotated by {@code -y}: {@code 3</usr/lib>} or {@code
   * AT_FDCWD</tmp>}; null for a plain number, a socket or pipe ({@code 3<socket:[1]>}) or anything
   * else.
   */
  static @Nullable String fdPath(String arg) {
    int lt = arg.indexOf('<');
    if (lt <= 0 || !arg.endsWith(">") || arg.charAt(lt + 1) != '/') {
      return null;
    }
    String head = arg.substring(0, lt);
    if (!head.equals("AT_FDCWD") && !head.chars().allMatch(Character::isDigit)) {
      return null;
    }
    String p = unescape(arg, lt + 1, arg.length() - 1);
    if (p != null && p.endsWith(" (deleted)")) {
      p = p.substring(0, p.length() - " (deleted)".length());
    }
    return p;
  }

  /**
   * The fd number of an argument ({@code 3}, {@code 3</x>}), {@code -100} for {@code AT_FDCWD}, or
   * null.
   */
  static @Nullable Integer fd(String arg) {
    if (arg.startsWith("AT_FDCWD")) {
      return -100;
    }
    int end = 0;
    while (end < arg.length() && Character.isDigit(arg.charAt(end))) {
      end++;
    }
    if (end == 0 || (end < arg.length() && arg.charAt(end) != '<')) {
      return null;
    }
    try {
      return Integer.parseInt(arg.substring(0, end));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static @Nullable String unescape(String s, int from, int to) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        continue;
      }
      if (++i >= to) {
        return null;
      }
      char e = s.charAt(i);
      switch (e) {
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case 'r' -> out.write('\r');
        case 'v' -> out.write(0x0b);
        case 'f' -> out.write('\f');
        case 'x' -> {
          if (i + 2 >= to + 1 || i + 2 > to) {
            return null;
          }
          try {
            out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          } catch (NumberFormatException | StringIndexOutOfBoundsException x) {
            return null;
          }
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = 0;
            int n = 0;
            while (n < 3 && i < to && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
              v = v * 8 + (s.charAt(i) - '0');
              i++;
              n++;
            }
            i--;
            out.write(v & 0xff);
          } else {
            out.write(e);
          }
        }
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
