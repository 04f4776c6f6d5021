package dev.ocisquash.layering;

import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a previous release, squashed by ocisquash, put each group: read from its layer annotations.
 *
 * @param maxLayers the N that release was laid out for
 * @param slots each group's slot index
 */
public record Prior(int maxLayers, Map<Component, Integer> slots) {
  /** Copies the map. */
  public Prior {
    slots = Map.copyOf(slots);
  }

  /** The slot a group had, or null when the prior did not have it. */
  public @Nullable Integer slotOf(Component c) {
    return slots.get(c);
  }

  /** The slots that held at least one group. */
  public Collection<Integer> occupiedSlots() {
    return new java.util.HashSet<>(slots.values());
  }
}
