package dev.ocisquash.squash;

import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.tar.TarEntry;

/**
 * One non-directory object as a runtime would see it: an inode. Several output paths may share one (hardlinks).
 * A hardlink entry gets a FileObject that forwards to the object its target named at the time the link was
 * applied; the chain is resolved with {@link #resolve()}.
 *
 * <p>It also says where its content can be found after the planning pass: copied into the spool, readable in
 * place in an uncompressed layer blob, or at an entry of a layer that must be read again (rare: a hardlink whose
 * target was shadowed earlier in the same layer). One object exists per kept file, so the location is three
 * fields here rather than an object of its own (25 MB less at a million files).
 */
final class FileObject {
  private static final int NO_CONTENT = Integer.MIN_VALUE;
  private static final int SPOOLED = -1;
  private static final int IN_BLOB = -2;

  /** The header of the version that owns the content and metadata; null while this is an unresolved link. */
  TarEntry entry;
  /** Spool offset, offset in {@link #contentBlob}, or entry ordinal in layer {@link #contentLayer}, by kind. */
  private long contentPosition;
  /** The uncompressed layer whose blob holds the content, for the in-blob kind; else null. */
  private SourceLayer contentBlob;
  /** The layer to re-read (deferred kind, >= 0), or {@link #SPOOLED}, {@link #IN_BLOB}, {@link #NO_CONTENT}. */
  private int contentLayer = NO_CONTENT;
  /** For hardlinks: the object the link points at. */
  FileObject forward;
  /** Set while writing: the first output path this object was written under. */
  byte[] writtenPath;

  FileObject(TarEntry entry) {
    this.entry = entry;
  }

  static FileObject link() {
    return new FileObject(null);
  }

  /** The content was copied to the spool at {@code offset}. */
  void contentSpooled(long offset) {
    setContent(offset, null, SPOOLED);
  }

  /** The content is stored uncompressed at {@code offset} of {@code layer}'s blob and is read there in place. */
  void contentInBlob(SourceLayer layer, long offset) {
    setContent(offset, layer, IN_BLOB);
  }

  /** The content is that of entry {@code ordinal} (filesystem entries, from 0) of layer {@code layer}. */
  void contentDeferred(int layer, long ordinal) {
    setContent(ordinal, null, layer);
  }

  private void setContent(long position, SourceLayer blob, int layer) {
    contentPosition = position;
    contentBlob = blob;
    contentLayer = layer;
  }

  /** Whether a content location was recorded. */
  boolean hasContent() {
    return contentLayer != NO_CONTENT;
  }

  /** Whether the content is in the spool. */
  boolean isSpooled() {
    return contentLayer == SPOOLED;
  }

  /** Whether the content can be read directly (spool or blob) without streaming a layer again. */
  boolean isReadable() {
    return contentLayer == SPOOLED || contentLayer == IN_BLOB;
  }

  /** Offset in the spool file; only for spooled content. */
  long spoolOffset() {
    return contentLayer == SPOOLED ? contentPosition : -1;
  }

  /** The layer whose blob holds the content in place, or null. */
  SourceLayer contentBlob() {
    return contentBlob;
  }

  /** Offset of the content in {@link #contentBlob()}'s raw bytes; only for in-blob content. */
  long blobOffset() {
    return contentLayer == IN_BLOB ? contentPosition : -1;
  }

  /** The layer to read again for deferred content, or -1. */
  int deferredLayer() {
    return contentLayer >= 0 ? contentLayer : -1;
  }

  /** Ordinal of the entry within {@link #deferredLayer()}'s tar stream; only for deferred content. */
  long deferredOrdinal() {
    return contentLayer >= 0 ? contentPosition : -1;
  }

  /** Follows forwards to the object that owns content; returns null for a dangling link. */
  FileObject resolve() {
    FileObject f = this;
    int guard = 0;
    while (f.forward != null) {
      f = f.forward;
      if (++guard > 1_000_000) {
        throw new IllegalStateException("hardlink cycle");
      }
    }
    return f.entry == null ? null : f;
  }
}
