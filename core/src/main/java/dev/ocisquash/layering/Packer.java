package dev.ocisquash.layering;

import dev.ocisquash.layering.Slot.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Places groups into at most N layers so that releases share layers. The rule:
 *
 * <ul>
 *   <li><b>Fixed slots.</b> N decides the slots alone: with N = 1 one slot holds everything; with N
 *       = 2, packages then unclaimed-and-metadata; with N = 3, packages, unclaimed, metadata; with
 *       N ≥ 4, S = N − 2 package slots (the top quarter of them, at least one when S ≥ 4, for heavy
 *       groups), then unclaimed, then metadata. The most stable content sits lowest; what every
 *       build rewrites sits on top.
 *   <li><b>Rendezvous hashing.</b> A group goes to the slot of its pool with the highest SHA-256
 *       weight of (group id, slot number). The choice depends on the group's own id and size class
 *       only: adding, removing or resizing another group moves nothing else, and a change to one
 *       package changes only its own slot's layer (plus the metadata layer).
 *   <li><b>Heavy groups</b> (at least the heavy threshold) hash among the heavy slots, so that a
 *       large package does not make an unrelated small package's update a large download.
 *   <li><b>With a prior release</b> ({@code --prior}), a group keeps the slot it had when the prior
 *       used the same N and the same pool kind; a group that is new goes to an empty slot of its
 *       pool if the prior left one (free room: no existing layer changes), otherwise to its hash
 *       slot.
 * </ul>
 */
public final class Packer {
  /** The default heavy threshold: 32 MiB. */
  public static final long DEFAULT_HEAVY = 32L << 20;

  private Packer() {}

  /** The slots of a layout of at most {@code maxLayers} layers. */
  public static List<Slot> slots(int maxLayers) {
    if (maxLayers < 1) {
      throw new IllegalArgumentException("--max-layers must be at least 1, got " + maxLayers);
    }
    List<Slot> out = new ArrayList<>();
    if (maxLayers == 1) {
      out.add(new Slot(0, Pool.ALL));
      return out;
    }
    int packageSlots = maxLayers - (maxLayers == 2 ? 1 : 2);
    int heavy = packageSlots >= 4 ? packageSlots / 4 : 0;
    for (int i = 0; i < packageSlots; i++) {
      out.add(new Slot(out.size(), i < packageSlots - heavy ? Pool.PACKAGES : Pool.HEAVY));
    }
    out.add(new Slot(out.size(), Pool.UNCLAIMED));
    if (maxLayers > 2) {
      out.add(new Slot(out.size(), Pool.METADATA));
    }
    return out;
  }

  /**
   * Places every group.
   *
   * @param sizes each group's content bytes
   * @param maxLayers N
   * @param heavyThreshold groups of at least this many bytes use the heavy slots
   * @param prior the prior release's placement, or null
   */
  public static Packing pack(
      Map<Component, Long> sizes, int maxLayers, long heavyThreshold, @Nullable Prior prior) {
    List<Slot> slots = slots(maxLayers);
    Prior usable = prior != null && prior.maxLayers() == maxLayers ? prior : null;
    Map<Component, Integer> placed = new TreeMap<>();
    List<Component> newcomers = new ArrayList<>();
    for (Map.Entry<Component, Long> e : sizes.entrySet()) {
      Component c = e.getKey();
      Pool pool = poolOf(c, e.getValue(), heavyThreshold, maxLayers);
      Integer before = usable != null ? usable.slotOf(c) : null;
      if (before != null && before < slots.size() && slots.get(before).pool() == pool) {
        placed.put(c, before);
      } else if (usable != null && !c.isCatchAll()) {
        newcomers.add(c);
      } else {
        placed.put(c, hashSlot(c, slots, pool));
      }
    }
    if (usable != null && !newcomers.isEmpty()) { // newcomers come only with a usable prior
      Set<Integer> taken = new HashSet<>(usable.occupiedSlots());
      taken.addAll(placed.values());
      for (Component c : newcomers) { // in id order: deterministic
        Pool pool = poolOf(c, sizes.getOrDefault(c, 0L), heavyThreshold, maxLayers);
        List<Slot> free = new ArrayList<>();
        for (Slot s : slots) {
          if (s.pool() == pool && !taken.contains(s.index())) {
            free.add(s);
          }
        }
        int slot = free.isEmpty() ? hashSlot(c, slots, pool) : best(c, free);
        placed.put(c, slot);
        taken.add(slot);
      }
    }
    return new Packing(maxLayers, slots, placed);
  }

  static Pool poolOf(Component c, long size, long heavyThreshold, int maxLayers) {
    if (maxLayers == 1) {
      return Pool.ALL;
    }
    if (c.equals(Component.METADATA)) {
      return maxLayers == 2 ? Pool.UNCLAIMED : Pool.METADATA;
    }
    if (c.equals(Component.UNCLAIMED)) {
      return Pool.UNCLAIMED;
    }
    return size >= heavyThreshold && maxLayers - 2 >= 4 ? Pool.HEAVY : Pool.PACKAGES;
  }

  private static int hashSlot(Component c, List<Slot> slots, Pool pool) {
    List<Slot> candidates = new ArrayList<>();
    for (Slot s : slots) {
      if (s.pool() == pool) {
        candidates.add(s);
      }
    }
    return best(c, candidates);
  }

  /** Rendezvous hashing: the candidate with the highest weight of (id, slot index). */
  private static int best(Component c, List<Slot> candidates) {
    int bestIndex = -1;
    long bestWeight = 0;
    for (Slot s : candidates) {
      long w = weight(c.id(), s.index());
      if (bestIndex < 0 || Long.compareUnsigned(w, bestWeight) > 0) {
        bestIndex = s.index();
        bestWeight = w;
      }
    }
    return bestIndex;
  }

  /**
   * One digest per thread: {@code getInstance} looks the provider up on every call, and packing
   * weighs thousands.
   */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
          });

  static long weight(String id, int slot) {
    byte[] d = SHA256.get().digest((id + "\n" + slot).getBytes(StandardCharsets.UTF_8));
    long w = 0;
    for (int i = 0; i < 8; i++) {
      w = (w << 8) | (d[i] & 0xff);
    }
    return w;
  }
}
