package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.archive.SourceLayer;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Reads kept content back where its {@link FileObject} says: from the spool, or in place from an
 * uncompressed layer blob. Reading in place saves copying every surviving byte of an uncompressed
 * input aside and back; those bytes were verified against the layer's digests while streaming, so
 * the input must not change while a squash runs.
 */
final class ContentStore {
  private final Spool spool;

  ContentStore(Spool spool) {
    this.spool = spool;
  }

  /** Copies the {@code length} bytes of content at {@code ref} to {@code out}. */
  void copyTo(FileObject ref, long length, OutputStream out, byte[] scratch) throws IOException {
    long done = 0;
    while (done < length) {
      int n = read(ref, done, scratch, 0, (int) Math.min(scratch.length, length - done));
      if (n < 0) {
        if (ref.isSpooled()) {
          throw new EOFException("spool ends early");
        }
        throw new ImageException(
            Kind.CORRUPT_INPUT,
            ImageException.where(
                blobOf(ref).location(),
                blobOf(ref).label(),
                null,
                "ends " + (length - done) + " bytes early: the input changed during the run"));
      }
      out.write(scratch, 0, n);
      done += n;
    }
  }

  /** Reads up to {@code len} bytes at {@code position} within the content at {@code ref}. */
  int read(FileObject ref, long position, byte[] buf, int off, int len) throws IOException {
    if (ref.isSpooled()) {
      return spool.read(ref.spoolOffset() + position, buf, off, len);
    }
    return blobOf(ref).readRaw(ref.blobOffset() + position, ByteBuffer.wrap(buf, off, len));
  }

  /** The layer blob that holds content that is not spooled; {@link FileObject#isReadable()}. */
  private static SourceLayer blobOf(FileObject ref) {
    return Objects.requireNonNull(ref.contentBlob(), "content neither spooled nor in a blob");
  }
}
