package dev.ocisquash.shapes;

import java.nio.file.Path;
import java.util.List;

/**
 * One generated shape: what a tool writes, where it was written, and what reading it must give.
 *
 * @param writer the tool, e.g. "crane (go-containerregistry)"
 * @param name a short unique name, used for file names and test names
 * @param path the directory or archive written
 * @param args what the CLI needs to pick the image (empty: picked by itself); for an artifact-only layout, empty
 * @param imageInside whether the sample image is in it (false: only artifacts, which must be refused)
 * @param artifactRef a ref (tag or ref.name) of an artifact beside the image, to check that --ref names it; or null
 * @param artifactSays what the refusal of {@code artifactRef} must say (the artifact's media type)
 * @param skopeoRef how skopeo reads this shape ({@code oci:DIR}, {@code docker-archive:TAR}, ...), or null where it
 *     cannot (then the integration test compares against the sample itself)
 * @param source the repository, path and commit the shape follows
 */
public record Shape(
    String writer,
    String name,
    Path path,
    List<String> args,
    boolean imageInside,
    String artifactRef,
    String artifactSays,
    String skopeoRef,
    String source) {

  @Override
  public String toString() {
    return name;
  }
}
