package dev.ocisquash.trace;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the lines of an {@code strace} log into complete {@link StraceCall}s. Understands what
 * {@code strace -f -o LOG} writes, with or without {@code -y}, {@code -t}/{@code -tt}/{@code -ttt},
 * {@code -T} and {@code -qq}: a pid column ({@code 123 } or {@code [pid 123] }), {@code <unfinished
 * ...>} lines joined with their {@code <... name resumed>} halves, signal ({@code --- SIG... ---})
 * and exit ({@code +++ ... +++}) lines, which carry no path and are skipped. Any other line is an
 * error naming the file and line. Pure: no I/O.
 */
final class StraceLines {
  private record Pending(int line, String text) {}

  private final String source;
  private final Consumer<StraceCall> sink;
  private final Seen seen;
  private final Map<Integer, Pending> unfinished = new HashMap<>();
  private final Map<Integer, String> unfinishedNames = new HashMap<>();
  private int lineNo;

  /**
   * @param source the log's name, for messages
   * @param sink receives each complete call, in log order of completion
   */
  StraceLines(String source, Consumer<StraceCall> sink, Seen seen) {
    this.source = source;
    this.sink = sink;
    this.seen = seen;
  }

  /**
   * Told of each line's pid before the line is handled, with the call it starts when it is
   * unfinished.
   */
  interface Seen {
    void line(int pid, @Nullable String startedCall);
  }

  /**
   * The names of calls a process started and has not finished yet (a fork whose child already
   * runs).
   */
  Map<Integer, String> unfinishedNames() {
    return unfinishedNames;
  }

  /** Reads the next line of the log. */
  void line(String raw) throws ImageException {
    lineNo++;
    String line = raw.strip();
    if (line.isEmpty()) {
      return;
    }
    int pid = 0;
    if (line.startsWith("[pid ")) {
      int close = line.indexOf(']');
      pid = close < 0 ? -1 : parsePid(line.substring(5, close).strip());
      if (pid < 0) {
        throw bad("bad pid column");
      }
      line = line.substring(close + 1).strip();
    } else {
      int sp = firstSpace(line);
      if (sp > 0 && isDigits(line.substring(0, sp)) && !line.startsWith("(", sp)) {
        pid = parsePid(line.substring(0, sp));
        line = line.substring(sp).strip();
      }
    }
    int sp = firstSpace(line);
    if (sp > 0 && isTimestamp(line.substring(0, sp))) {
      line = line.substring(sp).strip();
    }
    if (line.startsWith("+++ ") || line.startsWith("--- ")) {
      return; // exits and signals name no path
    }
    if (line.endsWith("<unfinished ...>")) {
      int paren = line.indexOf('(');
      seen.line(pid, paren > 0 ? line.substring(0, paren) : null);
    } else {
      seen.line(pid, null);
    }
    if (line.startsWith("<... ")) {
      int r = line.indexOf(" resumed>");
      if (r < 0) {
        throw bad("a '<...' line without 'resumed>'");
      }
      String name = line.substring(5, r).strip();
      Pending p = unfinished.remove(pid);
      unfinishedNames.remove(pid);
      if (p == null || !p.text().startsWith(name + "(")) {
        return; // the log started after this call began: its arguments are not in it
      }
      complete(pid, p.text() + line.substring(r + " resumed>".length()));
      return;
    }
    if (line.endsWith("<unfinished ...>")) {
      String text = line.substring(0, line.length() - "<unfinished ...>".length());
      int paren = text.indexOf('(');
      if (paren <= 0 || !isName(text.substring(0, paren))) {
        throw bad("not a system call");
      }
      unfinished.put(pid, new Pending(lineNo, text));
      unfinishedNames.put(pid, text.substring(0, paren));
      return;
    }
    if (line.endsWith("<detached ...>")) {
      return;
    }
    complete(pid, line);
  }

  private void complete(int pid, String text) throws ImageException {
    int paren = text.indexOf('(');
    if (paren <= 0 || !isName(text.substring(0, paren))) {
      throw bad("not a system call");
    }
    StraceCall.ArgList args = StraceCall.argList(text, paren);
    if (args == null) {
      throw bad("unbalanced quotes or brackets");
    }
    String rest = text.substring(args.close() + 1).strip();
    if (!rest.startsWith("=")) {
      throw bad("no '= result' after the arguments");
    }
    sink.accept(
        new StraceCall(pid, text.substring(0, paren), args.args(), rest.substring(1).strip()));
  }

  private ImageException bad(String what) {
    return new ImageException(
        Kind.INVALID_ARGUMENT,
        source + " line " + lineNo + ": cannot parse this strace line: " + what);
  }

  private static int firstSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static int parsePid(String s) {
    if (!isDigits(s) || s.length() > 9) {
      return -1;
    }
    return Integer.parseInt(s);
  }

  /**
   * {@code 12:34:56}, {@code 12:34:56.123456} or {@code 1700000000.123456} (strace -t, -tt, -ttt,
   * -r).
   */
  private static boolean isTimestamp(String s) {
    return !s.isEmpty()
        && s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == ':' || c == '.')
        && (s.indexOf(':') >= 0 || s.indexOf('.') >= 0);
  }

  private static boolean isName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '?')) {
        return false;
      }
    }
    return true;
  }
}
