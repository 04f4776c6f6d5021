package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.squash.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
  @Test
  void drawsStageBytesBarAndEndsWithANewline() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TerminalProgress p = new TerminalProgress(new PrintStream(buf, true, StandardCharsets.UTF_8));
    p.stage("write layer (gzip)", 4096);
    p.advance(2048);
    p.advance(2048);
    p.done();
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("write layer (gzip)"), out);
    assertTrue(out.contains("100%"), out);
    assertTrue(out.contains("4.0 KiB"), out);
    assertTrue(out.endsWith(System.lineSeparator()), out);
  }

  @Test
  void silentWhenQuietOrNotATerminal() {
    assertSame(Progress.NONE, TerminalProgress.forConsole(true));
    // surefire's stderr is not a terminal
    assertSame(Progress.NONE, TerminalProgress.forConsole(false));
  }
}
