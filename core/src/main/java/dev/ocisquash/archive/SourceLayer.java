package dev.ocisquash.archive;

import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/** One layer of a {@link SourceImage}, bottom layer first (index 0). */
public interface SourceLayer {
  /** Position in the image, 0 being the bottom layer. */
  int index();

  /** A short label for messages, e.g. {@code layer 2 (sha256:ab12cd34ef56)}. */
  String label();

  /** Where the blob lives inside the input (a path in the archive or directory), for messages. */
  String location();

  /** The diff_id declared by the image config for this layer. */
  Digest diffId();

  /**
   * The blob digest: declared by the manifest or, for legacy docker archives, the sha256 of the
   * layer file.
   */
  Digest blobDigest() throws IOException;

  /** The blob's size in bytes. */
  long blobSize() throws IOException;

  /** The media type declared for the blob, or null when the format declares none. */
  @Nullable String declaredMediaType();

  /** The blob's compression, detected from its magic bytes. */
  Compression compression() throws IOException;

  /**
   * Opens the uncompressed tar stream of this layer. The blob digest and the diff_id are checked as
   * the bytes stream past; call {@link LayerStream#finish()} after the tar end marker to drain the
   * rest and verify.
   */
  LayerStream open() throws IOException;

  /**
   * Reads raw blob bytes at {@code position} into {@code dst}, straight from where the blob is
   * stored. For an uncompressed layer these are the tar stream's bytes, so content seen while
   * streaming can be read again in place instead of being copied aside.
   *
   * @return bytes read, or -1 when {@code position} is at or past the blob's end
   */
  int readRaw(long position, java.nio.ByteBuffer dst) throws IOException;

  /**
   * Whether {@link #readRaw} is cheap enough to read an uncompressed layer's content again in
   * place; when false (a layer in a registry) the squash copies content aside as it does for
   * compressed layers.
   */
  default boolean readsInPlace() {
    return true;
  }

  /** Opens the raw blob bytes, exactly as stored (compressed or not), for byte-for-byte copies. */
  InputStream openRaw() throws IOException;
}
