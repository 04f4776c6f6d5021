package dev.ocisquash.cli;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An image as the user names it on the command line: a file or directory path, or a registry reference {@code
 * docker://HOST/REPO[:TAG|@DIGEST]}.
 *
 * @param text the name as given
 * @param path the file or directory, or null for a registry image
 * @param ref the registry image, or null for a path
 */
record ImageLocation(String text, Path path, ImageRef ref) {
  /**
   * Parses a name.
   *
   * @throws IllegalArgumentException when a registry reference is malformed
   */
  static ImageLocation parse(String text) {
    if (ImageRef.isRegistryRef(text)) {
      return new ImageLocation(text, null, ImageRef.parse(text));
    }
    return new ImageLocation(text, Path.of(text), null);
  }

  /** Opens the image for reading: a registry image's layers are streamed when read, never stored. */
  SourceImage open(ImageSelector selector, Limits limits, TempFiles tempFiles, RegistryOptions registry)
      throws IOException {
    return path != null
        ? ImageArchives.open(path, selector, limits, tempFiles)
        : ImageArchives.open(ref, selector, registry);
  }
}
