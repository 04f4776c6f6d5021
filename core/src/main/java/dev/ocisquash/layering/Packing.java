package dev.ocisquash.layering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of {@link Packer#pack}: each group's slot, and the layers that come out (slots holding
 * at least one group, bottom first).
 *
 * @param maxLayers the N the layout was made for
 * @param slots every slot of the layout
 * @param slotOf each group's slot index
 */
public record Packing(int maxLayers, List<Slot> slots, Map<Component, Integer> slotOf) {
  /** Copies the collections. */
  public Packing {
    slots = List.copyOf(slots);
    slotOf = java.util.Collections.unmodifiableMap(new TreeMap<>(slotOf));
  }

  /** The slot index of a group; throws for a group that was not packed. */
  int slot(Component c) {
    Integer s = slotOf.get(c);
    if (s == null) {
      throw new IllegalArgumentException("group " + c + " was not packed");
    }
    return s;
  }

  /** The groups of each non-empty slot, bottom first, keyed by slot index; groups in id order. */
  public Map<Integer, List<Component>> layers() {
    Map<Integer, List<Component>> out = new TreeMap<>();
    for (Map.Entry<Component, Integer> e : slotOf.entrySet()) {
      out.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
    }
    return out;
  }
}
