package dev.ocisquash.report;

import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.squash.FlattenedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bridge between the analysis and the strip package ({@code dev.ocisquash.strip}).
 *
 * <p>TODO(strip-hook): the strip package (branch wip-strip) had not landed when this was written. Until it does,
 * {@link #estimate} returns null: the report then says that strip estimates are unavailable, and known bulk has
 * no "handled by" presets. To wire it up: build a {@code FileTree} over {@link FlattenedImage#entries()} (content
 * via {@code Flattener.readContents}), run {@code Stripper.plan(tree, rules)} once with all requested rules and
 * once per preset, and fill {@link Result}.
 */
final class StripSupport {
  private StripSupport() {}

  /** What the strip package says about the final tree. */
  static final class Result {
    final ImageAnalysis.StripEstimate estimate;
    /** For every known preset, the paths it would remove on its own; used for "handled by". */
    final Map<String, Set<String>> removedByPreset;

    Result(ImageAnalysis.StripEstimate estimate, Map<String, Set<String>> removedByPreset) {
      this.estimate = estimate;
      this.removedByPreset = removedByPreset;
    }
  }

  /** Whether this build can estimate stripping. */
  static boolean available() {
    return false;
  }

  /**
   * Plans stripping on the final tree without changing anything.
   *
   * @return null when the strip package is not available (TODO(strip-hook))
   */
  static Result estimate(SourceImage image, FlattenedImage flat, List<String> presets, List<String> removes,
      List<String> keeps) throws IOException {
    return null;
  }
}
