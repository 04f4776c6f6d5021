package dev.ocisquash.strip;

import java.util.Collections;
import java.util.Set;

/**
 * The outcome of {@link Stripper#plan}: which paths go, and the report. For a partial squash the caller checks
 * each of {@link #removedRoots()}: a path that lives in a kept base layer must be written as a whiteout and saves
 * no bytes in the image.
 */
public final class StripResult {
  private final Set<String> removed;
  private final Set<String> roots;
  private final StripReport report;

  StripResult(Set<String> removed, Set<String> roots, StripReport report) {
    this.removed = Collections.unmodifiableSet(removed);
    this.roots = Collections.unmodifiableSet(roots);
    this.report = report;
  }

  /** Whether the path is removed (itself, not only an ancestor check). */
  public boolean isRemoved(String path) {
    return removed.contains(path);
  }

  /** Every removed path. */
  public Set<String> removedPaths() {
    return removed;
  }

  /** The removed paths whose parent stays: removing these (with their subtrees) removes exactly what was decided. */
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
