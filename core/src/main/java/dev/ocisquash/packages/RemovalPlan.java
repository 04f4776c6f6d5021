package dev.ocisquash.packages;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The pure outcome of {@link PackageRemoval#plan}: which packages go, which paths, and how their
 * databases change. {@link #paths()} are the packages' files and the directories only they list
 * that would be left empty; {@link #databasePaths()} and {@link #rewrites()} are applied only for
 * the packages that go whole: {@link PackageRemoval#settle} drops those whose files a safety check
 * kept.
 *
 * @param removed the packages removed, in database order
 * @param paths the files and directories to remove, sorted
 * @param databasePaths the packages' own database records to remove (dpkg {@code info/*},
 *     conda-meta JSON, pip metadata directories), sorted
 * @param rewrites new content for database files that stay: path to bytes (dpkg {@code status}, apk
 *     {@code installed} and {@code world}, npm {@code .package-lock.json})
 * @param refusals the packages that may not go; a plan with refusals must not be applied
 * @param warnings one line each: kept dependents that {@code --force} overrode, packages a safety
 *     check kept in part, packages whose files another database owns
 */
public record RemovalPlan(
    List<InstalledPackage> removed,
    SortedSet<String> paths,
    SortedSet<String> databasePaths,
    SortedMap<String, byte[]> rewrites,
    List<Refusal> refusals,
    List<String> warnings) {
  public RemovalPlan {
    removed = List.copyOf(removed);
    paths = Collections.unmodifiableSortedSet(paths);
    databasePaths = Collections.unmodifiableSortedSet(databasePaths);
    rewrites = Collections.unmodifiableSortedMap(rewrites);
    refusals = List.copyOf(refusals);
    warnings = List.copyOf(warnings);
  }

  /**
   * Throws when anything was refused.
   *
   * @throws ImageException one line naming the first refused package and why (its dependents), and
   *     how many more
   */
  public void check() throws ImageException {
    if (!refusals.isEmpty()) {
      String more = refusals.size() > 1 ? " (and " + (refusals.size() - 1) + " more refusals)" : "";
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          "--remove-package: cannot remove " + refusals.get(0).message() + more);
    }
  }
}
