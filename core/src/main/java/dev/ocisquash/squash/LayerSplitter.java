package dev.ocisquash.squash;

import dev.ocisquash.layering.Component;
import dev.ocisquash.layering.Packing;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Splits the plan of one squashed layer into one plan per non-empty slot of a {@link Packing},
 * bottom first, so that the layers unpacked in order give exactly the tree of the single layer. The
 * rules:
 *
 * <ul>
 *   <li>every non-directory (files, links, symlinks, devices, fifos) goes to the slot of its path's
 *       group; the names of a hardlink group share one group, so a link and its target are always
 *       written in one layer;
 *   <li>the top layer carries every directory of the plan with its real metadata, so the last layer
 *       decides the directories' final mode, owner, mtime and xattrs;
 *   <li>a lower layer carries only the directories its own entries sit in, with normalised metadata
 *       (mode 0755, uid/gid 0, no names or xattrs, mtime 0 or SOURCE_DATE_EPOCH): a package's layer
 *       then has the same bytes in every rebuild, whatever the directories' real mtimes;
 *   <li>whiteout and opaque markers (for paths in kept base layers) go into the lowest new layer: a
 *       whiteout in a higher layer would also hide what a lower new layer re-created;
 *   <li>a slot that receives nothing gives no layer.
 * </ul>
 *
 * <p>Memory: the items of all layers (one object per path) and the directory paths; never content.
 */
final class LayerSplitter {
  private LayerSplitter() {}

  /** One layer of the split. */
  static final class Part {
    /** The slot of the layout this layer fills. */
    final int slot;

    /** Its entries, in output order. */
    final LayerPlan plan;

    /**
     * The groups it holds, with the content bytes of each (a hardlinked file counted once), by id.
     */
    final Map<Component, Long> groups;

    Part(int slot, LayerPlan plan, Map<Component, Long> groups) {
      this.slot = slot;
      this.plan = plan;
      this.groups = Collections.unmodifiableMap(groups);
    }
  }

  /**
   * Splits {@code plan}.
   *
   * @param ownerOf the group of a non-directory, by path with a leading slash ({@code
   *     /etc/passwd}); a path with no group or a group the packing does not place goes to the top
   *     layer
   * @param sourceDateEpoch the mtime of normalised directories, or null for 0
   * @return the layers, bottom first; one layer (the top slot) when the plan has no non-directory
   *     at all
   */
  static List<Part> split(
      LayerPlan plan,
      Function<String, Component> ownerOf,
      Packing packing,
      @Nullable Long sourceDateEpoch) {
    int topSlot = packing.slots().size() - 1;
    Set<String> planDirs = new HashSet<>();
    int lowest = Integer.MAX_VALUE;
    int top = -1;
    for (LayerPlan.Item it : plan.items()) {
      if (it.marker) {
        continue;
      }
      if (it.entry.isDirectory()) {
        planDirs.add(key(it.path));
        continue;
      }
      int s = slotOf(ownerOf.apply("/" + PathNames.decode(it.path)), packing, topSlot);
      lowest = Math.min(lowest, s);
      top = Math.max(top, s);
    }
    if (top < 0) {
      top = topSlot;
      lowest = topSlot;
    }
    long mtime = sourceDateEpoch == null ? 0 : sourceDateEpoch;
    Map<Integer, List<LayerPlan.Item>> items = new TreeMap<>();
    Map<Integer, Set<String>> dirsIn = new TreeMap<>();
    Map<Integer, Map<Component, Long>> groups = new TreeMap<>();
    Set<FileObject> counted = Collections.newSetFromMap(new IdentityHashMap<>());
    items.put(top, new ArrayList<>());
    groups.put(top, new TreeMap<>());
    for (LayerPlan.Item it : plan.items()) {
      if (it.marker) {
        add(items, dirsIn, planDirs, lowest, top, it, mtime);
      } else if (it.entry.isDirectory()) {
        items.get(top).add(it); // in order: a directory precedes everything below it
      } else {
        Component c = ownerOf.apply("/" + PathNames.decode(it.path));
        int s = slotOf(c, packing, topSlot);
        add(items, dirsIn, planDirs, s, top, it, mtime);
        long bytes = 0;
        FileObject f = it.file;
        if (f != null
            && f.resolvedEntry().type() == TarEntryType.REGULAR
            && !plan.inKeptLayers.containsKey(f)
            && counted.add(f)) {
          bytes = f.resolvedEntry().size();
        }
        groups
            .computeIfAbsent(s, k -> new TreeMap<>())
            .merge(c != null ? c : Component.UNCLAIMED, bytes, Long::sum);
      }
    }
    List<Part> out = new ArrayList<>();
    for (Map.Entry<Integer, List<LayerPlan.Item>> e : items.entrySet()) {
      out.add(
          new Part(
              e.getKey(),
              LayerPlan.ofItems(e.getValue(), plan.inKeptLayers),
              groups.getOrDefault(e.getKey(), new TreeMap<>())));
    }
    return out;
  }

  private static int slotOf(Component c, Packing packing, int topSlot) {
    Integer s = c == null ? null : packing.slotOf().get(c);
    return s == null ? topSlot : s;
  }

  /**
   * Adds an entry to a layer, preceded by the normalised directories it sits in that the layer
   * lacks so far.
   */
  private static void add(
      Map<Integer, List<LayerPlan.Item>> items,
      Map<Integer, Set<String>> dirsIn,
      Set<String> planDirs,
      int slot,
      int top,
      LayerPlan.Item it,
      long mtime) {
    List<LayerPlan.Item> layer = items.computeIfAbsent(slot, k -> new ArrayList<>());
    if (slot != top) {
      // Items come in tree order, so a missing ancestor sorts after everything the layer holds so
      // far.
      Set<String> have = dirsIn.computeIfAbsent(slot, k -> new HashSet<>());
      byte[] p = it.path;
      for (int i = 0; i < p.length; i++) {
        if (p[i] != '/') {
          continue;
        }
        byte[] parent = java.util.Arrays.copyOf(p, i);
        String k = key(parent);
        if (planDirs.contains(k) && have.add(k)) {
          layer.add(normalisedDirectory(parent, mtime));
        }
      }
    }
    layer.add(it);
  }

  /** A directory entry whose bytes depend on its path alone (and the epoch). */
  static LayerPlan.Item normalisedDirectory(byte[] path, long mtime) {
    TarEntry e =
        TarEntry.builder(TarEntryType.DIRECTORY, path)
            .mode(0755)
            .uid(0)
            .gid(0)
            .mtime(mtime, 0)
            .build();
    return new LayerPlan.Item(path, e, null, false, false);
  }

  /** A byte-exact string key for a path. */
  private static String key(byte[] path) {
    return new String(path, StandardCharsets.ISO_8859_1);
  }
}
