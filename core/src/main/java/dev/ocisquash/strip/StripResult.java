package dev.ocisquash.strip;

import dev.ocisquash.packages.RemovalPlan;
import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link Stripper#plan}: which paths go, and the report. For a partial squash the
 * caller checks each of {@link #removedRoots()}: a path that lives in a kept base layer must be
 * written as a whiteout and saves no bytes in the image.
 */
public final class StripResult {
  private final Set<String> removed;
  private final Set<String> roots;
  private final StripReport report;
  private final @Nullable RemovalPlan packages;

  StripResult(
      Set<String> removed, Set<String> roots, StripReport report, @Nullable RemovalPlan packages) {
    this.removed = Collections.unmodifiableSet(removed);
    this.roots = Collections.unmodifiableSet(roots);
    this.report = report;
    this.packages = packages;
  }

  /** The settled {@code --remove-package} plan, or null when no package was named. */
  public @Nullable RemovalPlan packages() {
    return packages;
  }

  /**
   * New content for database files that stay (path with a leading slash to bytes): what the squash
   * writes instead of their content. Empty when no package was removed whole.
   */
  public SortedMap<String, byte[]> rewrites() {
    return packages == null ? Collections.emptySortedMap() : packages.rewrites();
  }

  /** Whether the path is removed (itself, not only an ancestor check). */
  public boolean isRemoved(String path) {
    return removed.contains(path);
  }

  /** Every removed path. */
  public Set<String> removedPaths() {
    return removed;
  }

  /**
   * The removed paths whose parent stays: removing these (with their subtrees) removes exactly what
   * was decided.
   */
  Set<String> removedRoots() {
    return roots;
  }

  /** The report. */
  public StripReport report() {
    return report;
  }

  /** Bytes removed (see {@link StripReport}). */
  long bytesRemoved() {
    return report.getBytesRemoved();
  }
}
