package dev.ocisquash.squash;

import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.tar.TarEntry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One non-directory object as a runtime would see it: an inode. Several output paths may share one
 * (hardlinks). A hardlink entry gets a FileObject that forwards to the object its target named at
 * the time the link was applied; the chain is resolved with {@link #resolve()}.
 *
 * <p>It also says where its content can be found after the planning pass ({@link Where}): copied
 * into the spool, readable in place in an uncompressed layer blob, or at an entry of a layer that
 * must be read again (rare: a hardlink whose target was shadowed earlier in the same layer). One
 * object exists per kept file, so the location is a kind and two fields here rather than an object
 * of its own (25 MB less at a million files), and the object stays at 40 bytes.
 */
final class FileObject {
  /** Where the content of an object is. */
  enum Where {
    /** No location recorded (not a regular file, or not yet captured). */
    NONE,
    /** Copied into the spool. */
    SPOOL,
    /** Stored uncompressed in a layer blob, read there in place. */
    BLOB,
    /** At an entry of a layer that must be streamed again. */
    DEFERRED
  }

  /**
   * Bits of {@link #contentPosition} that hold a deferred entry's ordinal; the layer index sits
   * above them.
   */
  private static final int ORDINAL_BITS = 40;

  private static final long ORDINAL_MASK = (1L << ORDINAL_BITS) - 1;

  /**
   * The header of the version that owns the content and metadata; null while this is an unresolved
   * link.
   */
  @Nullable TarEntry entry;

  /**
   * By {@link #where}: the spool offset, the offset in {@link #contentBlob}, or the deferred layer
   * and entry ordinal in one long (the layer in the top bits), which keeps the object within 40
   * bytes.
   */
  private long contentPosition;

  /** The uncompressed layer whose blob holds the content, for {@link Where#BLOB}; else null. */
  private @Nullable SourceLayer contentBlob;

  /** Where the content is. */
  private Where where = Where.NONE;

  /** For hardlinks: the object the link points at. */
  @Nullable FileObject forward;

  /** Set while writing: the first output path this object was written under; null before. */
  byte @Nullable [] writtenPath;

  FileObject(@Nullable TarEntry entry) {
    this.entry = entry;
  }

  static FileObject link() {
    return new FileObject(null);
  }

  /** The content was copied to the spool at {@code offset}. */
  void contentSpooled(long offset) {
    setContent(Where.SPOOL, offset, null);
  }

  /**
   * The content is stored uncompressed at {@code offset} of {@code layer}'s blob and is read there
   * in place.
   */
  void contentInBlob(SourceLayer layer, long offset) {
    setContent(Where.BLOB, offset, layer);
  }

  /**
   * The content is that of entry {@code ordinal} (filesystem entries, from 0) of layer {@code
   * layer}.
   */
  void contentDeferred(int layer, long ordinal) {
    // A tar entry takes at least 512 bytes, so 2^40 entries would be a 512 TiB layer.
    if (layer < 0 || layer >= 1 << (63 - ORDINAL_BITS) || ordinal < 0 || ordinal > ORDINAL_MASK) {
      throw new IllegalArgumentException("layer " + layer + ", entry " + ordinal + " out of range");
    }
    setContent(Where.DEFERRED, ((long) layer << ORDINAL_BITS) | ordinal, null);
  }

  private void setContent(Where kind, long position, @Nullable SourceLayer blob) {
    where = kind;
    contentPosition = position;
    contentBlob = blob;
  }

  /** Where the content is. */
  Where where() {
    return where;
  }

  /** Whether a content location was recorded. */
  boolean hasContent() {
    return where != Where.NONE;
  }

  /** Whether the content is in the spool. */
  boolean isSpooled() {
    return where == Where.SPOOL;
  }

  /** Whether the content can be read directly (spool or blob) without streaming a layer again. */
  boolean isReadable() {
    return where == Where.SPOOL || where == Where.BLOB;
  }

  /** Offset in the spool file; only for spooled content. */
  long spoolOffset() {
    return where == Where.SPOOL ? contentPosition : -1;
  }

  /** The layer whose blob holds the content in place, or null. */
  @Nullable SourceLayer contentBlob() {
    return contentBlob;
  }

  /** Offset of the content in {@link #contentBlob()}'s raw bytes; only for in-blob content. */
  long blobOffset() {
    return where == Where.BLOB ? contentPosition : -1;
  }

  /** The layer to read again for deferred content, or -1. */
  int deferredLayer() {
    return where == Where.DEFERRED ? (int) (contentPosition >>> ORDINAL_BITS) : -1;
  }

  /**
   * Ordinal of the entry within {@link #deferredLayer()}'s tar stream; only for deferred content.
   */
  long deferredOrdinal() {
    return where == Where.DEFERRED ? contentPosition & ORDINAL_MASK : -1;
  }

  /** Follows forwards to the object that owns content; returns null for a dangling link. */
  @Nullable FileObject resolve() {
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

  /** The header that owns the content; only on an object {@link #resolve()} returned. */
  TarEntry resolvedEntry() {
    return Objects.requireNonNull(entry, "an unresolved link has no entry");
  }
}
