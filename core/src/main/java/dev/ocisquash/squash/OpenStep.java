package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.compress.Compression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * The first stage of a squash: checks where the image goes before anything is read, opens the input, and selects
 * what to squash (the squash point, the output format and compression).
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class OpenStep {
  private OpenStep() {}

  /**
   * Where a squash writes.
   *
   * @param output the absolute output path, or null for a registry
   * @param tempDir where spool files go
   * @param tempFiles the temporary files to delete on a signal
   */
  record Workspace(@Nullable Path output, @Nullable Path tempDir, TempFiles tempFiles) {}

  /**
   * The image opened and what of it is squashed.
   *
   * @param image the open input
   * @param layers its layers, bottom first
   * @param config its config
   * @param first index of the first squashed layer; the layers below it are kept byte for byte
   * @param format the output format
   * @param compression the compression of the new layers
   * @param stripping whether strip rules were given
   * @param relayering whether the new layer is split ({@code --max-layers} above 1)
   */
  record Selection(
      SourceImage image,
      List<SourceLayer> layers,
      ObjectNode config,
      int first,
      OutputFormat format,
      Compression compression,
      boolean stripping,
      boolean relayering) {
    /** {@code "squashed N layers (first..last)"}, the start of each new layer's history comment. */
    String squashedLayers() {
      return "squashed " + (layers.size() - first) + " layers (" + first + ".." + (layers.size() - 1) + ")";
    }
  }

  /**
   * Checks the output before the input is opened, so a bad destination fails at once.
   *
   * @throws ImageException when the output is the input, cannot be written, or is a registry asked for a format
   *     other than OCI
   */
  static Workspace workspace(SquashOptions options) throws IOException {
    Path input = options.input();
    Path output = options.output() == null ? null : options.output().toAbsolutePath();
    if (input != null && output != null) {
      ImageWriter.checkNotSameFile(input, output);
    }
    if (output != null) {
      ImageWriter.checkDestination(output);
    } else if (options.format() != null && options.format() != OutputFormat.OCI) {
      throw new ImageException(
          options.outputName() + ": a registry takes the image as an OCI manifest; --format "
              + formatName(options.format()) + " is for files");
    }
    // A registry output has no directory beside it: spool files go to java.io.tmpdir unless --temp-dir says.
    Path tempDir =
        options.tempDir() != null ? options.tempDir()
            : output != null ? output.getParent() : Path.of(System.getProperty("java.io.tmpdir"));
    // Hardening: limits count every decompressed byte and entry; temp files are registered for signal cleanup.
    TempFiles tempFiles = options.tempFiles() != null ? options.tempFiles() : new TempFiles();
    return new Workspace(output, tempDir, tempFiles);
  }

  /** Opens the input, a file or a registry reference; the caller closes it. */
  static SourceImage open(SquashOptions options, Workspace ws) throws IOException {
    return options.input() != null
        ? ImageArchives.open(options.input(), options.selector(), options.limits(), ws.tempFiles())
        : ImageArchives.open(options.inputRef(), options.selector(), options.registry());
  }

  /**
   * Resolves the squash point and the output's format and compression.
   *
   * @throws ImageException when the image has no layers, or a named squash point leaves one layer and nothing
   *     else (strip rules, {@code --allow-noop}) asks for a rewrite
   */
  static Selection select(SquashOptions options, SourceImage image, Workspace ws) throws IOException {
    List<SourceLayer> layers = image.layers();
    if (layers.isEmpty()) {
      throw new ImageException(ImageException.where(image.source(), null, null, "the image has no layers"));
    }
    ObjectNode config = image.config();
    int first = options.squashPoint().resolve(image.source(), layers, config);
    boolean stripping = options.strip() != null && !options.strip().isEmpty();
    if (layers.size() - first < 2 && options.squashPoint().namesLayer() && !stripping && !options.allowNoop()) {
      throw new ImageException(
          image.source()
              + ": "
              + options.squashPoint()
              + " leaves only one layer to squash (layer "
              + first
              + ", the last of 0.."
              + (layers.size() - 1)
              + "); nothing would be merged. Give strip rules, or --allow-noop to rewrite it anyway");
    }
    // A registry takes an OCI manifest whatever the input was; --format applies to files only.
    OutputFormat format =
        ws.output() == null ? OutputFormat.OCI
            : options.format() != null ? options.format() : OutputFormat.defaultFor(image.family());
    Compression compression =
        options.compression() != null ? options.compression() : image.predominantCompression();
    return new Selection(
        image, layers, config, first, format, compression, stripping, options.maxLayers() > 1);
  }

  /** The name of a format as the command line spells it. */
  static String formatName(OutputFormat format) {
    return format.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
