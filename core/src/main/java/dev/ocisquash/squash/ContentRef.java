package dev.ocisquash.squash;

import dev.ocisquash.archive.SourceLayer;

/**
 * Where the content of a kept file version can be found after the planning pass: bytes copied into the spool,
 * bytes that can be read in place in an uncompressed layer blob, or a position in a layer that must be read again
 * (rare: a hardlink whose target was shadowed earlier in the same layer).
 *
 * <p>One exists per kept file, so it is kept to three fields (32 bytes): the meaning of {@link #position} depends
 * on the kind.
 */
final class ContentRef {
  private static final int SPOOLED = -1;
  private static final int IN_BLOB = -2;

  /** Spool offset, offset in {@link #blob}, or entry ordinal in {@link #layer}, by kind. */
  private final long position;
  /** The uncompressed layer whose blob holds the content, for the in-blob kind; else null. */
  final SourceLayer blob;
  /** The layer index to re-read (deferred kind), or {@link #SPOOLED} / {@link #IN_BLOB}. */
  final int layer;

  private ContentRef(long position, SourceLayer blob, int layer) {
    this.position = position;
    this.blob = blob;
    this.layer = layer;
  }

  static ContentRef spooled(long offset) {
    return new ContentRef(offset, null, SPOOLED);
  }

  /** Content stored uncompressed at {@code offset} of {@code layer}'s blob, read in place when written. */
  static ContentRef inBlob(SourceLayer layer, long offset) {
    return new ContentRef(offset, layer, IN_BLOB);
  }

  static ContentRef deferred(int layer, long ordinal) {
    return new ContentRef(ordinal, null, layer);
  }

  boolean isSpooled() {
    return layer == SPOOLED;
  }

  /** True when the content can be read directly (spool or blob) without streaming a layer again. */
  boolean isReadable() {
    return layer < 0;
  }

  /** Offset in the spool file; only for the spooled kind. */
  long spoolOffset() {
    return layer == SPOOLED ? position : -1;
  }

  /** Offset of the content in {@link #blob}'s raw bytes; only for the in-blob kind. */
  long blobOffset() {
    return layer == IN_BLOB ? position : -1;
  }

  /** Ordinal of the entry within {@link #layer}'s tar stream (filesystem entries only); only for deferred. */
  long ordinal() {
    return layer >= 0 ? position : -1;
  }
}
