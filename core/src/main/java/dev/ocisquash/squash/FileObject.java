package dev.ocisquash.squash;

import dev.ocisquash.tar.TarEntry;

/**
 * One non-directory object as a runtime would see it: an inode. Several output paths may share one (hardlinks).
 * A hardlink entry gets a FileObject that forwards to the object its target named at the time the link was
 * applied; the chain is resolved with {@link #resolve()}. Content stays where {@link #content} says.
 */
final class FileObject {
  /** The header of the version that owns the content and metadata; null while this is an unresolved link. */
  TarEntry entry;
  /** Where the content bytes are; null for entries without content or not yet captured. */
  ContentRef content;
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
