package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Reads kept content back where its {@link FileObject} says: from the spool, or in place from an uncompressed
 * layer blob.
 * Reading in place saves copying every surviving byte of an uncompressed input aside and back; those bytes were
 * verified against the layer's digests while streaming, so the input must not change while a squash runs.
 */
final class ContentStore {
  private final Spool spool;

  ContentStore(Spool spool) {
    this.spool = spool;
  }

  /** Copies the {@code length} bytes of content at {@code ref} to {@code out}. */
  void copyTo(FileObject ref, long length, OutputStream out, byte[] scratch) throws IOException {
    if (ref.isSpooled()) {
      spool.copyTo(ref.spoolOffset(), length, out, scratch);
      return;
    }
    ByteBuffer bb = ByteBuffer.wrap(scratch);
    long pos = ref.blobOffset();
    long left = length;
    while (left > 0) {
      bb.clear();
      bb.limit((int) Math.min(scratch.length, left));
      int n = ref.contentBlob().readRaw(pos, bb);
      if (n < 0) {
        throw new ImageException(
            ImageException.where(
                ref.contentBlob().location(), ref.contentBlob().label(), null, "ends " + left + " bytes early: the input changed during the run"));
      }
      out.write(scratch, 0, n);
      pos += n;
      left -= n;
    }
  }

  /** Reads up to {@code len} bytes at {@code position} within the content at {@code ref}. */
  int read(FileObject ref, long position, byte[] buf, int off, int len) throws IOException {
    if (ref.isSpooled()) {
      return spool.read(ref.spoolOffset() + position, buf, off, len);
    }
    return ref.contentBlob().readRaw(ref.blobOffset() + position, ByteBuffer.wrap(buf, off, len));
  }
}
