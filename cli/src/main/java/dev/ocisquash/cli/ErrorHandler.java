package dev.ocisquash.cli;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
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
    Throwable t = ex instanceof UncheckedIOException ? ex.getCause() : ex;
    cl.getErr().println("ocisquash: error: " + message(t));
    if (debug) {
      t.printStackTrace(cl.getErr());
    }
    cl.getErr().flush();
    return ExitCodes.of(t);
  }

  static String message(Throwable t) {
    if (t instanceof ImageException) {
      return t.getMessage();
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
      String m = t.getMessage();
      return (m == null ? t.getClass().getSimpleName() : m);
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
