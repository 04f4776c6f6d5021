package dev.ocisquash.squash;

/**
 * Where the content of a kept file version can be found after the planning pass: either bytes already copied into
 * the spool, or a position in a layer that must be read again (rare: a hardlink whose target was shadowed earlier
 * in the same layer).
 */
final class ContentRef {
  /** Offset in the spool file, or -1 when the content is still in the layer. */
  final long spoolOffset;
  /** Layer index to re-read when not spooled. */
  final int layer;
  /** Ordinal of the entry within that layer's tar stream (0-based, filesystem entries only). */
  final long ordinal;

  private ContentRef(long spoolOffset, int layer, long ordinal) {
    this.spoolOffset = spoolOffset;
    this.layer = layer;
    this.ordinal = ordinal;
  }

  static ContentRef spooled(long offset) {
    return new ContentRef(offset, -1, -1);
  }

  static ContentRef deferred(int layer, long ordinal) {
    return new ContentRef(-1, layer, ordinal);
  }

  boolean isSpooled() {
    return spoolOffset >= 0;
  }
}
