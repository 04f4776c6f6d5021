package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.compress.Compression;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The first step of a squash: opens the input (a file or a registry reference) and selects what to
 * squash (the squash point, the output format and compression). The output was checked before
 * ({@link Workspace#check}).
 */
final class OpenStep implements SquashStep<OpenStep.Selection> {
  private final SquashOptions options;
  private final Workspace ws;

  OpenStep(SquashOptions options, Workspace ws) {
    this.options = options;
    this.ws = ws;
  }

  /**
   * The image opened and what of it is squashed.
   *
   * @param image the open input
   * @param layers its layers, bottom first
   * @param config its config
   * @param firstSquashed index of the first squashed layer; the layers below it are kept byte for
   *     byte
   * @param format the output format
   * @param compression the compression of the new layers
   * @param stripping whether strip rules were given
   * @param relayering whether the new layer is split ({@code --max-layers} above 1)
   */
  record Selection(
      SourceImage image,
      List<SourceLayer> layers,
      ObjectNode config,
      int firstSquashed,
      OutputFormat format,
      Compression compression,
      boolean stripping,
      boolean relayering)
      implements Closeable {
    /** Closes the input image. */
    @Override
    public void close() throws IOException {
      image.close();
    }

    /** {@code "squashed N layers (first..last)"}, the start of each new layer's history comment. */
    String squashedLayers() {
      return "squashed "
          + (layers.size() - firstSquashed)
          + " layers ("
          + firstSquashed
          + ".."
          + (layers.size() - 1)
          + ")";
    }
  }

  /**
   * Opens the input and selects what of it is squashed; the caller closes the selection, which
   * closes the input.
   *
   * @throws ImageException when the image has no layers, or a named squash point leaves one layer
   *     and nothing else (strip rules, {@code --allow-noop}) asks for a rewrite
   */
  @Override
  public Selection run() throws IOException {
    SourceImage image =
        options.input() != null
            ? ImageArchives.open(
                options.input(), options.selector(), options.limits(), ws.tempFiles())
            : ImageArchives.open(
                Objects.requireNonNull(options.inputRef(), "an input without path has a ref"),
                options.selector(),
                options.registry());
    try {
      return select(image);
    } catch (IOException | RuntimeException | Error e) {
      try {
        image.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Resolves the squash point and the output's format and compression. */
  private Selection select(SourceImage image) throws IOException {
    List<SourceLayer> layers = image.layers();
    if (layers.isEmpty()) {
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT,
          ImageException.where(image.source(), null, null, "the image has no layers"));
    }
    ObjectNode config = image.config();
    int first = options.squashPoint().resolve(image.source(), layers, config);
    boolean stripping = options.strip() != null && !options.strip().isEmpty();
    if (layers.size() - first < 2
        && options.squashPoint().namesLayer()
        && !stripping
        && !options.allowNoop()) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
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
        ws.output() == null
            ? OutputFormat.OCI
            : options.format() != null ? options.format() : OutputFormat.defaultFor(image.family());
    Compression compression =
        options.compression() != null ? options.compression() : image.predominantCompression();
    return new Selection(
        image, layers, config, first, format, compression, stripping, options.maxLayers() > 1);
  }
}
