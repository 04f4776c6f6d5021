package dev.ocisquash.cli;

import dev.ocisquash.archive.Limits;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The input limits, shared by every command that reads layers ({@code squash} and {@code analyze}
 * read them through the same scan, so the same flags stop both).
 */
final class LimitOptions {
  @Option(
      names = "--max-uncompressed-bytes",
      paramLabel = "SIZE",
      converter = SquashCommand.SizeConverter.class,
      description =
          "stop when the layers unpack to more than SIZE in total, e.g. 200G (default 64G)")
  @Nullable Long maxUncompressedBytes;

  @Option(
      names = "--max-ratio",
      paramLabel = "N",
      converter = SquashCommand.PositiveConverter.class,
      description =
          "stop when a layer unpacks to more than N times its compressed size (default 1000)")
  @Nullable Long maxRatio;

  @Option(
      names = "--max-entries",
      paramLabel = "N",
      converter = SquashCommand.PositiveConverter.class,
      description = "stop when the image has more than N files in all layers (default 10000000)")
  @Nullable Long maxEntries;

  /** The limits from the options, starting from the library defaults. */
  Limits limits() {
    Limits l = Limits.defaults();
    if (maxUncompressedBytes != null) {
      l = l.withMaxUncompressedBytes(maxUncompressedBytes);
    }
    if (maxRatio != null) {
      l = l.withMaxRatio(maxRatio);
    }
    if (maxEntries != null) {
      l = l.withMaxEntries(maxEntries);
    }
    return l;
  }
}
