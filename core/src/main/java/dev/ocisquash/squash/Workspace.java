package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.OutputFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a squash writes, checked before the input is opened so that a bad destination (or a missing
 * {@code --prior}) fails at once.
 *
 * @param output the absolute output path, or null for a registry
 * @param tempDir where spool files go
 * @param tempFiles the temporary files to delete on a signal
 */
record Workspace(@Nullable Path output, Path tempDir, TempFiles tempFiles) {
  /**
   * Checks the output before the input is opened, and that the {@code --prior} path exists (the
   * common mistake; what the prior holds is read after the layer scan, by {@link ReadPriorStep}).
   *
   * @throws ImageException when the output is the input, cannot be written, or is a registry asked
   *     for a format other than OCI; when the prior does not exist
   */
  static Workspace check(SquashOptions options) throws IOException {
    Path input = options.input();
    Path output = options.output() == null ? null : options.output().toAbsolutePath();
    if (input != null && output != null) {
      ImageWriter.checkNotSameFile(input, output);
    }
    if (output != null) {
      ImageWriter.checkDestination(output);
    } else if (options.format() != null && options.format() != OutputFormat.OCI) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          options.outputName()
              + ": a registry takes the image as an OCI manifest; --format "
              + formatName(options.format())
              + " is for files");
    }
    // A registry output has no directory beside it: spool files go to java.io.tmpdir unless
    // --temp-dir says.
    Path tempDir = options.tempDir();
    if (tempDir == null) {
      Path beside = output != null ? output.getParent() : null; // null only for "/"
      tempDir = beside != null ? beside : Path.of(System.getProperty("java.io.tmpdir"));
    }
    // Hardening: limits count every decompressed byte and entry; temp files are registered for
    // signal cleanup.
    TempFiles tempFiles = options.tempFiles() != null ? options.tempFiles() : new TempFiles();
    Path prior = options.prior();
    if (prior != null && !Files.exists(prior)) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          ImageException.where(prior.toString(), null, null, "--prior: no such file or directory"));
    }
    return new Workspace(output, tempDir, tempFiles);
  }

  /**
   * Begins the output image, a file or a registry push; nothing appears at the output path until it
   * is finished ({@link WriteImageStep}). The caller closes it, which abandons it if unfinished.
   */
  ImageWriter.PendingImage beginImage(SquashOptions options, OutputFormat format)
      throws IOException {
    return output != null
        ? ImageWriter.begin(output, format, 0L, tempFiles)
        : ImageWriter.begin(
            Objects.requireNonNull(options.outputRef(), "a squash without output path has a ref"),
            options.registry(),
            tempDir,
            tempFiles);
  }

  /** The name of a format as the command line spells it. */
  static String formatName(OutputFormat format) {
    return format.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
