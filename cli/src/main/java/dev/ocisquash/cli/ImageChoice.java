package dev.ocisquash.cli;

import dev.ocisquash.archive.ImageSelector;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that reads an image: which image of a multi-image archive, and
 * --debug.
 */
final class ImageChoice {
  @Option(
      names = "--ref",
      paramLabel = "NAME",
      description = "image to take from a multi-image archive")
  @Nullable String ref;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "platform to take from an index")
  @Nullable String platform;

  @Option(
      names = "--debug",
      description = "print what was accepted with a note, and stack traces on errors")
  void debug(boolean on) {
    ErrorHandler.debug = on;
    DebugLog.enable(on);
  }

  /** The selector for {@code --ref} / {@code --platform}. */
  ImageSelector selector() {
    return ImageSelector.of(ref, platform);
  }
}
