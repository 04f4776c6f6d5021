package dev.ocisquash.cli;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and the exit code of their kind ({@link ExitCodes}). The
 * stack trace is printed only with {@code --debug}.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static volatile boolean debug;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    Throwable t = unwrap(ex);
    cl.getErr().println("ocisquash: error: " + message(t));
    if (debug) {
      t.printStackTrace(cl.getErr());
    }
    cl.getErr().flush();
    return ExitCodes.of(t);
  }

  /** The failure to report: an {@link UncheckedIOException}'s {@link IOException}, else itself. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof UncheckedIOException u
        ? Objects.requireNonNull(u.getCause(), "UncheckedIOException requires a cause")
        : failure;
  }

  static String message(Throwable t) {
    String m = t.getMessage();
    if (t instanceof ImageException && m != null) {
      return m; // its one complete line; without one it is an IOException like the others below
    }
    if (t instanceof NoSuchFileException) {
      return t.getMessage() + ": no such file or directory";
    }
    if (t instanceof AccessDeniedException) {
      return t.getMessage() + ": permission denied";
    }
    if (t instanceof FileAlreadyExistsException) {
      return t.getMessage() + ": already exists";
    }
    if (t instanceof IOException) {
      return (m == null ? t.getClass().getSimpleName() : m);
    }
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
