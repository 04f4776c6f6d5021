package dev.ocisquash.layering;

/**
 * One place for a layer in a layout of at most N layers. Slots are fixed by N alone, so that a
 * group's slot never depends on which other groups exist.
 *
 * @param index position in the layout, 0 at the bottom
 * @param pool what the slot holds
 */
record Slot(int index, Pool pool) {
  /** What a slot holds. */
  public enum Pool {
    /** Every group (a layout of one layer: today's single-layer squash). */
    ALL,
    /** Package and big-file groups under the heavy threshold. */
    PACKAGES,
    /**
     * Package and big-file groups at or over the heavy threshold, so that they share a layer only
     * with peers.
     */
    HEAVY,
    /** {@link Component#UNCLAIMED}, or with only two layers, unclaimed and metadata together. */
    UNCLAIMED,
    /** {@link Component#METADATA}: the top layer. */
    METADATA
  }
}
