package dev.ocisquash.squash;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.StripResult;
import dev.ocisquash.strip.StripRules;
import dev.ocisquash.strip.Stripper;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The strip stage of a squash: applies the strip rules to the flattened tree and says which paths
 * go.
 */
final class StripStep implements SquashStep<StripStep.Stripped> {
  private final FlattenStep.Flattened flat;
  private final @Nullable FileTree tree;
  private final @Nullable StripRules rules;
  private final int first;

  /**
   * What stripping removes.
   *
   * @param result every strip decision, or null when no strip rules were given
   * @param removed whether a path (tar form, no leading slash) is removed
   * @param fromKeptBytes bytes of removed files that live in kept layers: hidden by whiteouts, but
   *     still carried by the layers below, so they save nothing
   * @param rewrittenInKept whether a path (tar form) lives in a kept layer and is written again in
   *     the new layer with rewritten content ({@link RewriteStep})
   */
  record Stripped(
      @Nullable StripResult result,
      Predicate<byte[]> removed,
      long fromKeptBytes,
      Predicate<byte[]> rewrittenInKept) {
    /** Nothing stripped. */
    static final Stripped NONE = new Stripped(null, path -> false, 0, path -> false);

    /** This, with the paths written again over kept layers. */
    Stripped withRewritten(Predicate<byte[]> overKept) {
      return new Stripped(result, removed, fromKeptBytes, overKept);
    }
  }

  /**
   * @param tree the flattened tree; null only when {@code rules} is null or empty
   * @param rules the strip rules, or null
   * @param first index of the first squashed layer
   */
  StripStep(
      FlattenStep.Flattened flat, @Nullable FileTree tree, @Nullable StripRules rules, int first) {
    this.flat = flat;
    this.tree = tree;
    this.rules = rules;
    this.first = first;
  }

  /** Plans the strip. */
  @Override
  public Stripped run() throws IOException {
    if (rules == null || rules.isEmpty()) {
      return Stripped.NONE;
    }
    StripResult result =
        Stripper.plan(Objects.requireNonNull(tree, "strip rules come with the tree"), rules);
    Predicate<byte[]> removed = path -> result.isRemoved(PathNames.decodeAbsolute(path));
    long fromKept = 0;
    if (first > 0) {
      for (SquashPlanner.PlannedPath r : flat.sorted()) {
        if (r.layer < first
            && r.file != null
            && removed.test(r.path)
            && r.entry.type() != TarEntryType.HARDLINK) {
          fromKept += r.entry.size();
        }
      }
    }
    return new Stripped(result, removed, fromKept, path -> false);
  }
}
