package dev.ocisquash.squash;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.StripResult;
import dev.ocisquash.strip.StripRules;
import dev.ocisquash.strip.Stripper;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The strip stage of a squash: applies the strip rules to the flattened tree and says which paths go. */
final class StripStep {
  private StripStep() {}

  /**
   * What stripping removes.
   *
   * @param result every strip decision, or null when no strip rules were given
   * @param removed whether a path (tar form, no leading slash) is removed
   * @param fromKeptBytes bytes of removed files that live in kept layers: hidden by whiteouts, but still carried
   *     by the layers below, so they save nothing
   */
  record Stripped(@Nullable StripResult result, Predicate<byte[]> removed, long fromKeptBytes) {
    /** Nothing stripped. */
    static final Stripped NONE = new Stripped(null, path -> false, 0);
  }

  /**
   * Plans the strip.
   *
   * @param tree the flattened tree; null only when {@code rules} is null or empty
   * @param rules the strip rules, or null
   * @param first index of the first squashed layer
   */
  static Stripped run(FlattenStep.Flattened flat, @Nullable FileTree tree, StripRules rules, int first) throws IOException {
    if (rules == null || rules.isEmpty()) {
      return Stripped.NONE;
    }
    StripResult result = Stripper.plan(tree, rules);
    Predicate<byte[]> removed = path -> result.isRemoved("/" + PathNames.decode(path));
    long fromKept = 0;
    if (first > 0) {
      for (SquashPlanner.Record r : flat.sorted()) {
        if (r.layer < first && r.file != null && removed.test(r.path) && r.entry.type() != TarEntryType.HARDLINK) {
          fromKept += r.entry.size();
        }
      }
    }
    return new Stripped(result, removed, fromKept);
  }
}
