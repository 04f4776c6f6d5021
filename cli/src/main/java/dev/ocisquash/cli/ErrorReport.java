package dev.ocisquash.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What a JSON report file ({@code squash --report-json}, {@code analyze --json}) holds when the run
 * failed: only {@code {"error": {"kind": KIND, "message": LINE}}}, the kind's name ({@link
 * ExitCodes#kindName}) and the line the CLI prints. No image and no other report is left, as
 * before; the file says why. Written through a temporary file like every output; if even that
 * fails, the run's own error is what the user sees.
 */
final class ErrorReport {
  private ErrorReport() {}

  /**
   * Writes the error document for {@code failure} to {@code file}; nothing when {@code file} is
   * null, when it does not pass {@link OutputFiles#check}, for a usage error, or when the run was
   * cancelled ({@code tempFiles}).
   */
  static void write(@Nullable Path file, Throwable failure, TempFiles tempFiles) {
    if (file == null
        || failure instanceof picocli.CommandLine.ParameterException
        || tempFiles.isCancelled()) {
      return; // a usage error is not a failed run (picocli reports it); an interrupted run writes
      // nothing
    }
    try {
      OutputFiles.check("", file);
    } catch (ImageException e) {
      return; // the report file cannot be written (or must not be replaced): the failure may be
      // just that
    }
    Throwable t = ErrorHandler.unwrap(failure);
    ObjectNode doc = Json.object();
    ObjectNode error = doc.putObject("error");
    error.put("kind", ExitCodes.kindName(t));
    error.put("message", ErrorHandler.message(t));
    OutputFiles files = new OutputFiles(tempFiles);
    try {
      try (OutputStream out = Files.newOutputStream(files.stage(file))) {
        Json.writeForPeople(out, doc);
      }
      files.commit();
      if (tempFiles.isCancelled()) {
        Files.deleteIfExists(file); // interrupted while it was written
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    } finally {
      files.abort();
    }
  }
}
