package dev.ocisquash.cli;

import dev.ocisquash.squash.SquashPoint;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The squash point: at most one of {@code --from}, {@code --from-digest} and {@code --keep-base} (a
 * picocli exclusive group, so naming two is a usage error, exit 2, before anything is read).
 */
final class SquashPointOptions {
  @Option(
      names = "--from",
      paramLabel = "N",
      required = true,
      description =
          "squash layers N..top only (0 = bottom layer); lower layers are kept byte for byte")
  @Nullable Integer from;

  @Option(
      names = "--from-digest",
      paramLabel = "DIGEST",
      required = true,
      description =
          "squash from the layer with this diff_id or blob digest (or a 12+ char prefix) upwards")
  @Nullable String fromDigest;

  @Option(
      names = "--keep-base",
      required = true,
      description =
          "keep the base image's layers (found from the history's last FROM-image CMD/ENTRYPOINT)")
  boolean keepBase;

  /** The point the given option names. */
  SquashPoint point() {
    if (from != null) {
      return SquashPoint.fromIndex(from);
    }
    if (fromDigest != null) {
      return SquashPoint.fromDigest(fromDigest);
    }
    return SquashPoint.keepBase();
  }

  /** The point of an optional group: a full squash when none was given. */
  static SquashPoint of(@Nullable SquashPointOptions group) {
    return group == null ? SquashPoint.all() : group.point();
  }
}
