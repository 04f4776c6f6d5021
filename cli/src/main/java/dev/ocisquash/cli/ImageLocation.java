package dev.ocisquash.cli;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An image as the user names it on the command line: a plain file or directory path, a registry
 * reference {@code docker://HOST/REPO[:TAG|@DIGEST]}, or a path with one of skopeo's transports:
 * {@code oci-archive:PATH[:REF]}, {@code oci:DIR[:REF]}, {@code docker-archive:PATH[:NAME[:TAG]]}.
 * As in skopeo, the path ends at the first colon after the transport (containers/image
 * oci/internal/oci_util.go splitPathAndImageNonWindows at 0e8197c4 and docker/archive/transport.go
 * ParseReference at 22c82fc9); what follows names the image in the archive.
 *
 * @param text the name as given
 * @param path the file or directory, or null for a registry image
 * @param ref the registry image, or null for a path
 * @param name the image named after the path (an OCI ref name or a docker name), or null
 * @param format the format the transport implies, or null for a plain path or a registry
 */
record ImageLocation(
    String text,
    @Nullable Path path,
    @Nullable ImageRef ref,
    @Nullable String name,
    @Nullable OutputFormat format) {
  private static final String OCI_ARCHIVE = "oci-archive:";
  private static final String OCI_DIR = "oci:";
  private static final String DOCKER_ARCHIVE = "docker-archive:";

  /**
   * Parses a name.
   *
   * @throws IllegalArgumentException when a registry reference is malformed or a transport names no
   *     path
   */
  static ImageLocation parse(String text) {
    if (ImageRef.isRegistryRef(text)) {
      return new ImageLocation(text, null, ImageRef.parse(text), null, null);
    }
    for (String[] t :
        new String[][] {{OCI_ARCHIVE, "OCI"}, {OCI_DIR, "OCI_DIR"}, {DOCKER_ARCHIVE, "DOCKER"}}) {
      if (text.startsWith(t[0])) {
        String rest = text.substring(t[0].length());
        int colon = rest.indexOf(':');
        String path = colon < 0 ? rest : rest.substring(0, colon);
        String name = colon < 0 || colon == rest.length() - 1 ? null : rest.substring(colon + 1);
        if (path.isEmpty()) {
          throw new IllegalArgumentException(
              "'" + text + "' names no path (expected " + t[0] + "PATH)");
        }
        return new ImageLocation(text, Path.of(path), null, name, OutputFormat.valueOf(t[1]));
      }
    }
    return new ImageLocation(text, Path.of(text), null, null, null);
  }

  /** The name as the library takes it: the path alone, or the registry reference. */
  String target() {
    return path != null ? path.toString() : text;
  }

  /**
   * The selector: {@code --ref} (which must agree with a name given after the path) and {@code
   * --platform}.
   */
  ImageSelector selector(@Nullable String refOption, @Nullable String platform) {
    if (name != null && refOption != null && !name.equals(refOption)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' names image '"
              + name
              + "' but --ref names '"
              + refOption
              + "': give one");
    }
    return ImageSelector.of(name != null ? name : refOption, platform);
  }

  /**
   * Opens the image for reading: a registry image's layers are streamed when read, never stored.
   */
  SourceImage open(
      ImageSelector selector, Limits limits, TempFiles tempFiles, RegistryOptions registry)
      throws IOException {
    if (path != null) {
      return ImageArchives.open(path, selector, limits, tempFiles);
    }
    // parse gives every location a path or a registry reference
    return ImageArchives.open(
        Objects.requireNonNull(ref, "neither path nor registry reference"), selector, registry);
  }
}
