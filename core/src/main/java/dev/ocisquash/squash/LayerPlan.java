package dev.ocisquash.squash;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.Whiteouts;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the new layer holds, in output order: the surviving entries of the squashed layers and, when
 * layers below the squash point are kept, the whiteout and opaque markers that still hide something
 * in them. Pure: built from the planners' state without I/O.
 */
final class LayerPlan {
  /** One entry of the new layer. */
  static final class Item {
    final byte[] path;

    /** Directory or marker entry as written; for non-directories, the header as read. */
    final TarEntry entry;

    /**
     * The object behind a non-directory (resolved through hardlinks); null for directories and
     * markers.
     */
    final @Nullable FileObject file;

    /** Whether this item is a whiteout or opaque marker. */
    final boolean marker;

    /** Whether the entry was a hardlink in the input (for the promoted-links count). */
    final boolean wasLink;

    Item(byte[] path, TarEntry entry, @Nullable FileObject file, boolean marker, boolean wasLink) {
      this.path = path;
      this.entry = entry;
      this.file = file;
      this.marker = marker;
      this.wasLink = wasLink;
    }
  }

  // Surviving records and markers, each sorted in output order; items() merges them. Records are
  // not copied into
  // items up front: at a million paths that would be 32 MB more held through the whole write.
  private final List<SquashPlanner.PlannedPath> records;
  private final List<Item> markers;

  /** Objects that the kept layers already provide at a path: links in the new layer point there. */
  final Map<FileObject, byte[]> inKeptLayers;

  private LayerPlan(
      List<SquashPlanner.PlannedPath> records,
      List<Item> markers,
      Map<FileObject, byte[]> inKeptLayers) {
    this.records = records;
    this.markers = markers;
    this.inKeptLayers = inKeptLayers;
  }

  /**
   * A plan of ready-made items, already in output order ({@link LayerSplitter}'s layers): each
   * layer of a split squash is one such plan, sharing the links into kept layers.
   */
  static LayerPlan ofItems(List<Item> items, Map<FileObject, byte[]> inKeptLayers) {
    return new LayerPlan(List.of(), items, inKeptLayers);
  }

  /**
   * The entries of the new layer in output order; each call iterates afresh, making items as it
   * goes.
   */
  Iterable<Item> items() {
    return () ->
        new Iterator<>() {
          private int r;
          private int m;

          @Override
          public boolean hasNext() {
            return r < records.size() || m < markers.size();
          }

          @Override
          public Item next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            if (m < markers.size()
                && (r == records.size()
                    || PathOrder.compare(markers.get(m).path, records.get(r).path) < 0)) {
              return markers.get(m++);
            }
            SquashPlanner.PlannedPath rec = records.get(r++);
            FileObject f = rec.file == null ? null : rec.file.resolve();
            return new Item(
                rec.path, rec.entry, f, false, rec.entry.type() == TarEntryType.HARDLINK);
          }
        };
  }

  /**
   * Builds the plan.
   *
   * @param planner the planner fed every layer (kept layers in kept mode)
   * @param base a planner fed only the kept layers, or null for a full squash
   * @param first index of the first squashed layer
   */
  static LayerPlan build(SquashPlanner planner, @Nullable SquashPlanner base, int first) {
    return build(
        planner, base, first, planner.liveRecordsSorted(), path -> false, path -> false, null);
  }

  /**
   * Builds the plan, leaving out stripped paths.
   *
   * @param sorted {@code planner.liveRecordsSorted()}, passed in so it is computed once
   * @param stripped whether a path (normalised, no leading slash) is removed by the strip rules; a
   *     stripped path that lives in a kept layer becomes a whiteout
   * @param rewritten whether a path of a kept layer is written again in the new layer (its content
   *     was rewritten)
   * @param overUnreadBase when the kept layers were not read, the markers from {@link
   *     SquashPlanner#markersOverUnreadLayers} (then {@code base} is null); else null
   */
  static LayerPlan build(
      SquashPlanner planner,
      @Nullable SquashPlanner base,
      int first,
      List<SquashPlanner.PlannedPath> sorted,
      Predicate<byte[]> stripped,
      Predicate<byte[]> rewritten,
      @Nullable List<byte[]> overUnreadBase) {
    IdentityHashMap<FileObject, byte[]> inKept = new IdentityHashMap<>();
    List<SquashPlanner.PlannedPath> survivors = new ArrayList<>();
    for (SquashPlanner.PlannedPath r : sorted) {
      if (stripped.test(r.path)) {
        continue;
      }
      FileObject f = r.file == null ? null : r.file.resolve();
      if (r.layer < first && !rewritten.test(r.path)) {
        if (f != null) {
          inKept.putIfAbsent(f, r.path);
        }
        continue;
      }
      survivors.add(r);
    }
    List<Item> markers = new ArrayList<>();
    if (overUnreadBase != null) {
      for (byte[] p : overUnreadBase) {
        markers.add(marker(p));
      }
    } else if (base != null) {
      markers = markers(planner, base, first, stripped);
    }
    // A marker's path (dir/.wh.name) sorts elsewhere than the path it hides; List.sort is stable.
    markers.sort((a, b) -> PathOrder.compare(a.path, b.path));
    return new LayerPlan(survivors, markers, inKept);
  }

  /**
   * The markers that make (kept layers + new layer) unpack to the fully squashed tree: a whiteout
   * for each path of the kept tree that the squash removed, collapsed to the highest such ancestor;
   * an opaque marker for each directory that the squashed range emptied of lower content while the
   * kept tree has children in it. Nothing below a path the new layer replaces with a non-directory
   * needs a marker.
   */
  static List<Item> markers(
      SquashPlanner planner, SquashPlanner base, int first, Predicate<byte[]> stripped) {
    List<Item> out = new ArrayList<>();
    byte[] covered = null; // the last path whose kept subtree needs nothing more
    for (SquashPlanner.PlannedPath b : base.liveRecordsSorted()) {
      if (covered != null && isUnder(b.path, covered)) {
        continue;
      }
      SquashPlanner.PlannedPath r = planner.liveRecordAt(b.path);
      if (r == null || stripped.test(b.path)) {
        out.add(marker(Whiteouts.whiteoutFor(b.path)));
        covered = b.path;
      } else if (r.layer >= first) {
        if (!r.isDirectory()) {
          covered = b.path;
        } else if (b.isDirectory()
            && planner.lowerChildrenCut(b.path, first)
            && base.hasLiveDescendant(b.path)) {
          out.add(marker(Whiteouts.opaqueMarkerFor(b.path)));
          covered = b.path;
        }
      }
    }
    return out;
  }

  private static Item marker(byte[] path) {
    TarEntry e = TarEntry.builder(TarEntryType.REGULAR, path).mode(0).build();
    return new Item(path, e, null, true, false);
  }

  /** Whether {@code path} lies strictly below {@code dir} ({@code ""} is the root). */
  static boolean isUnder(byte[] path, byte[] dir) {
    if (dir.length == 0) {
      return path.length > 0;
    }
    if (path.length <= dir.length || path[dir.length] != '/') {
      return false;
    }
    for (int i = 0; i < dir.length; i++) {
      if (path[i] != dir[i]) {
        return false;
      }
    }
    return true;
  }
}
