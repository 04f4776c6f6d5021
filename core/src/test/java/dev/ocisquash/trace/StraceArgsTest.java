package dev.ocisquash.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one scanner of strace's argument lists ({@link StraceCall#argList}). */
class StraceArgsTest {
  private static List<String> args(String line) {
    StraceCall.ArgList a = StraceCall.argList(line, line.indexOf('('));
    assertNotNull(a, line);
    assertEquals(')', line.charAt(a.close()), line);
    assertEquals('=', line.substring(a.close() + 1).strip().charAt(0), line);
    return a.args();
  }

  @Test
  void splitsAtTopLevelCommasOnly() {
    assertEquals(
        List.of("AT_FDCWD</work>", "\"/a,b)\\\"c\"", "O_RDONLY|O_CLOEXEC"),
        args("openat(AT_FDCWD</work>, \"/a,b)\\\"c\", O_RDONLY|O_CLOEXEC) = 3</a,b)\"c>"));
    assertEquals(
        List.of("3</dir, with ) and ] inside>", "{st_mode=S_IFREG|0644, st_size=5}", "0"),
        args("newfstatat(3</dir, with ) and ] inside>, {st_mode=S_IFREG|0644, st_size=5}, 0) = 0"));
    assertEquals(
        List.of("[\"sh\", \"-c\", \"x\"]", "0x7ffd /* 3 vars */"),
        args("execve([\"sh\", \"-c\", \"x\"], 0x7ffd /* 3 vars */) = 0"));
    assertEquals(List.of(), args("getpid() = 42"));
  }

  /**
   * A {@code <} not after an fd number is plain text: the scanner that found the closing paren once
   * took it for an annotation, the splitter did not.
   */
  @Test
  void aLessThanSignNotAfterAnFdIsPlainText() {
    assertEquals(List.of("x<y", "z"), args("foo(x<y, z) = 0"));
    assertEquals(List.of("1 <2"), args("foo(1 <2) = 0"));
  }

  @Test
  void unbalancedOrMismatchedIsNull() {
    assertNull(StraceCall.argList("open(\"/a, 0) = 3", 4));
    assertNull(StraceCall.argList("open([1, 2) = 3", 4));
    assertNull(StraceCall.argList("open(1], 2) = 3", 4));
    assertNull(StraceCall.argList("close(3</never closed) = 0", 5));
  }
}
