package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The one line {@link ErrorHandler} prints for each kind of failure, and what it reports. */
class ErrorHandlerTest {
  @Test
  void anImageExceptionIsItsOwnLine() {
    assertEquals(
        "a.tar: layer 2: truncated",
        ErrorHandler.message(new ImageException(Kind.CORRUPT_INPUT, "a.tar: layer 2: truncated")));
  }

  /** Core's contract is a complete line; one without still prints a line, not "null". */
  @Test
  void anImageExceptionWithoutMessageIsNamedByItsClass() {
    assertEquals("ImageException", ErrorHandler.message(new ImageException(Kind.INTERNAL, null)));
  }

  @Test
  void otherFailuresKeepTheirWording() {
    assertEquals(
        "/x: no such file or directory", ErrorHandler.message(new NoSuchFileException("/x")));
    assertEquals("IOException", ErrorHandler.message(new IOException()));
    assertEquals("disk gone", ErrorHandler.message(new IOException("disk gone")));
    assertEquals("IllegalStateException", ErrorHandler.message(new IllegalStateException()));
    assertEquals(
        "IllegalStateException: odd", ErrorHandler.message(new IllegalStateException("odd")));
  }

  @Test
  void anUncheckedIoExceptionIsReportedAsItsCause() {
    IOException cause = new NoSuchFileException("/y");
    assertSame(cause, ErrorHandler.unwrap(new UncheckedIOException(cause)));
    IllegalStateException other = new IllegalStateException();
    assertSame(other, ErrorHandler.unwrap(other));
  }
}
