package dev.ocisquash.shapes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One generated shape: what a tool writes, where it was written, and what reading it must give.
 *
 * @param writer the tool, e.g. "crane (go-containerregistry)"
 * @param name a short unique name, used for file names and test names
 * @param path the directory or archive written
 * @param args what the CLI needs to pick the image (empty: picked by itself); for an artifact-only
 *     layout, empty
 * @param imageInside whether the sample image is in it (false: only artifacts, which must be
 *     refused)
 * @param artifactRefs refs (tags or ref names) of artifacts in it, each with what its refusal under
 *     --ref must say
 * @param skopeoRef how skopeo reads this shape ({@code oci:DIR}, {@code docker-archive:TAR}, ...),
 *     or null where it cannot (then the integration test compares against the sample itself)
 * @param source the repository, path and commit the shape follows
 */
public record Shape(
    String writer,
    String name,
    Path path,
    List<String> args,
    boolean imageInside,
    Map<String, String> artifactRefs,
    String skopeoRef,
    String source) {

  @Override
  public String toString() {
    return name;
  }
}
