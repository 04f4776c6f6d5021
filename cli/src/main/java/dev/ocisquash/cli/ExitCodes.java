package dev.ocisquash.cli;

import dev.ocisquash.ImageException;

/**
 * The exit codes of {@code ocisquash}, one per kind of failure, so that a CI step can act on the
 * kind without reading the message. Stable: documented in docs/errors.md.
 */
final class ExitCodes {
  /** Any failure that has no kind of its own: an I/O error outside the image, a bug. */
  static final int FAILED = 1;

  /** A usage error: the command line, or a request it makes that the input cannot meet. */
  static final int USAGE = 2;

  /** {@code analyze --fail-if}: a gate tripped. */
  static final int GATE_TRIPPED = 3;

  private ExitCodes() {}

  /** The exit code for a failure of {@code kind}. */
  static int of(ImageException.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> USAGE;
      case CORRUPT_INPUT -> 4;
      case LIMIT_EXCEEDED -> 5;
      case UNSUPPORTED_INPUT -> 6;
      case OUTPUT_FAILED -> 7;
      case REGISTRY -> 8;
      case INTERRUPTED -> 130;
      case INTERNAL -> FAILED;
    };
  }

  /** The exit code for a failure a command threw. */
  static int of(Throwable t) {
    return t instanceof ImageException e ? of(e.kind()) : FAILED;
  }

  /**
   * The name of the failure's kind, as the JSON reports carry it: the {@link ImageException.Kind},
   * or OTHER.
   */
  static String kindName(Throwable t) {
    return t instanceof ImageException e ? e.kind().name() : "OTHER";
  }
}
