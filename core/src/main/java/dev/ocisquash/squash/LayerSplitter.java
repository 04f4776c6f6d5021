package dev.ocisquash.squash;

import dev.ocisquash.layering.Component;
import dev.ocisquash.layering.Packing;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
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
   * The items of a plan, read once, with what the split needs of them before the grouping is known:
   * {@link LayoutStep} prepares them while the grouping still runs.
   */
  static final class Items {
    final List<LayerPlan.Item> all = new ArrayList<>();

    /** The plan's directories, as keys. */
    final Set<String> dirs = new HashSet<>();

    /** The objects with more than one name can only be those some hardlink entry named. */
    final Set<FileObject> linked = Collections.newSetFromMap(new IdentityHashMap<>());

    final Map<FileObject, byte[]> inKeptLayers;

    private Items(Map<FileObject, byte[]> inKeptLayers) {
      this.inKeptLayers = inKeptLayers;
    }
  }

  /**
   * Reads the items of {@code plan} once: the plan makes its items afresh on every pass.
   *
   * @return the items, to give to {@link #split(Items, Function, Packing, Long)}
   */
  static Items prepare(LayerPlan plan) {
    Items items = new Items(plan.inKeptLayers);
    for (LayerPlan.Item it : plan.items()) {
      items.all.add(it);
      if (it.marker) {
        continue;
      }
      if (it.entry.isDirectory()) {
        items.dirs.add(key(it.path, it.path.length));
      } else if (it.wasLink && it.file != null) {
        items.linked.add(it.file);
      }
    }
    return items;
  }

  /**
   * Splits {@code plan}.
   *
   * @see #split(Items, Function, Packing, Long)
   */
  static List<Part> split(
      LayerPlan plan,
      Function<String, @Nullable Component> ownerOf,
      Packing packing,
      @Nullable Long sourceDateEpoch) {
    return split(prepare(plan), ownerOf, packing, sourceDateEpoch);
  }

  /**
   * Splits a prepared plan.
   *
   * @param ownerOf the group of a non-directory, by path with a leading slash ({@code
   *     /etc/passwd}), asked once for each, in the plan's order ({@link
   *     dev.ocisquash.layering.Grouping#inTreeOrder()}); a path with no group or a group the
   *     packing does not place goes to the top layer
   * @param sourceDateEpoch the mtime of normalised directories, or null for 0
   * @return the layers, bottom first; one layer (the top slot) when the plan has no non-directory
   *     at all
   */
  static List<Part> split(
      Items items,
      Function<String, @Nullable Component> ownerOf,
      Packing packing,
      @Nullable Long sourceDateEpoch) {
    int topSlot = packing.slots().size() - 1;
    List<LayerPlan.Item> all = items.all;
    Set<String> planDirs = items.dirs;
    // Each non-directory's group and slot, asked once (the grouping's lookups showed in the profile
    // at millions of paths); the slots from a hash map, since the packing's sorted map compares
    // groups.
    Map<Component, Integer> slotOf = new HashMap<>(packing.slotOf());
    @Nullable Component[] owners = new Component[all.size()];
    int[] slots = new int[all.size()];
    int lowest = Integer.MAX_VALUE;
    int top = -1;
    for (int i = 0; i < all.size(); i++) {
      LayerPlan.Item it = all.get(i);
      if (it.marker || it.entry.isDirectory()) {
        continue;
      }
      Component c = ownerOf.apply(PathNames.decodeAbsolute(it.path));
      Integer slot = c == null ? null : slotOf.get(c);
      int s = slot == null ? topSlot : slot;
      owners[i] = c;
      slots[i] = s;
      lowest = Math.min(lowest, s);
      top = Math.max(top, s);
    }
    if (top < 0) {
      top = topSlot;
      lowest = topSlot;
    }
    long mtime = sourceDateEpoch == null ? 0 : sourceDateEpoch;
    @Nullable Layer[] layers = new Layer[topSlot + 1]; // by slot
    Set<FileObject> counted = Collections.newSetFromMap(new IdentityHashMap<>());
    Layer topLayer = new Layer(true);
    layers[top] = topLayer;
    for (int i = 0; i < all.size(); i++) {
      LayerPlan.Item it = all.get(i);
      if (it.marker) {
        layerAt(layers, lowest).add(it, planDirs, mtime);
      } else if (it.entry.isDirectory()) {
        topLayer.add(it, planDirs, mtime); // in order: a directory precedes everything below it
      } else {
        Component c = owners[i];
        Layer layer = layerAt(layers, slots[i]);
        layer.add(it, planDirs, mtime);
        long bytes = 0;
        FileObject f = it.file;
        if (f != null
            && f.resolvedEntry().type() == TarEntryType.REGULAR
            && (items.inKeptLayers.isEmpty() || !items.inKeptLayers.containsKey(f))
            && (items.linked.isEmpty() || !items.linked.contains(f) || counted.add(f))) {
          bytes = f.resolvedEntry().size();
        }
        layer.groups.computeIfAbsent(c != null ? c : Component.UNCLAIMED, k -> new long[1])[0] +=
            bytes;
      }
    }
    List<Part> out = new ArrayList<>();
    for (int slot = 0; slot < layers.length; slot++) {
      Layer layer = layers[slot];
      if (layer == null) {
        continue;
      }
      Map<Component, Long> groups = new TreeMap<>();
      layer.groups.forEach((c, bytes) -> groups.put(c, bytes[0]));
      out.add(new Part(slot, LayerPlan.ofItems(layer.items, items.inKeptLayers), groups));
    }
    return out;
  }

  /** The layer of a slot, made when first asked for; below the top layer of the plan. */
  private static Layer layerAt(@Nullable Layer[] layers, int slot) {
    Layer layer = layers[slot];
    if (layer == null) {
      layer = new Layer(false);
      layers[slot] = layer;
    }
    return layer;
  }

  /** One layer of the split while it is filled. */
  private static final class Layer {
    /** Whether this is the top layer, which holds every directory of the plan itself. */
    private final boolean top;

    final List<LayerPlan.Item> items = new ArrayList<>();

    /** The groups it holds, with their bytes. */
    final Map<Component, long[]> groups = new HashMap<>();

    /** The directories it holds (normalised ones; the top layer holds every directory itself). */
    private final Set<String> dirs = new HashSet<>();

    /** The parent of the last entry added, all of whose directories the layer then held. */
    private byte @Nullable [] lastParent;

    Layer(boolean top) {
      this.top = top;
    }

    /**
     * Adds an entry; below the top layer, preceded by the normalised directories it sits in that
     * the layer lacks so far. Items come in tree order, so a missing directory sorts after
     * everything the layer holds so far; and when the layer holds a directory, it holds the plan's
     * directories above it too, so the walk up from the entry's parent stops at the first one it
     * has.
     */
    void add(LayerPlan.Item it, Set<String> planDirs, long mtime) {
      if (top) {
        items.add(it);
        return;
      }
      byte[] p = it.path;
      int parent = lastSlash(p, p.length);
      byte[] last = lastParent;
      if (parent >= 0 && (last == null || !Arrays.equals(p, 0, parent, last, 0, last.length))) {
        List<Integer> missing = new ArrayList<>();
        for (int i = parent; i >= 0; i = lastSlash(p, i)) {
          String k = key(p, i);
          if (planDirs.contains(k)) {
            if (dirs.contains(k)) {
              break;
            }
            missing.add(i);
          }
        }
        for (int m = missing.size() - 1; m >= 0; m--) {
          byte[] dir = Arrays.copyOf(p, missing.get(m));
          dirs.add(key(dir, dir.length));
          items.add(normalisedDirectory(dir, mtime));
        }
        lastParent = Arrays.copyOf(p, parent);
      }
      items.add(it);
    }

    /** The index of the last {@code /} before {@code end}, or -1. */
    private static int lastSlash(byte[] p, int end) {
      for (int i = end - 1; i >= 0; i--) {
        if (p[i] == '/') {
          return i;
        }
      }
      return -1;
    }
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

  /** A byte-exact string key for the first {@code len} bytes of a path. */
  private static String key(byte[] path, int len) {
    return new String(path, 0, len, StandardCharsets.ISO_8859_1);
  }
}
