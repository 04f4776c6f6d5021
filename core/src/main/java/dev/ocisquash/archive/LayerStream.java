package dev.ocisquash.archive;

import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * The uncompressed bytes of a layer, verified while they stream. Reading to the end (or calling
 * {@link #finish()}) checks the blob digest and diff_id and throws {@link
 * dev.ocisquash.ImageException} naming the blob on a mismatch.
 */
public abstract class LayerStream extends InputStream {
  /**
   * Reads one byte through {@link #read(byte[], int, int)}, which every layer stream implements.
   */
  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;

  /**
   * Reads and discards what is left of the stream, then verifies the digests.
   *
   * @throws dev.ocisquash.ImageException on a digest mismatch, a truncated or corrupt stream
   */
  public abstract void finish() throws IOException;

  /**
   * Hands the diff_id check (the hash of every uncompressed byte) to the caller, which then hashes
   * on a thread of its own what this stream returns; {@link #finish()} still checks the blob's size
   * and digest. Returns null, and keeps the check, when the stream cannot hand it over: it has
   * started, one hash serves as both digests, or it does not verify a diff_id at all. Call it
   * before the first read.
   */
  public @Nullable DiffIdCheck handOverDiffId() {
    return null;
  }

  /** Uncompressed bytes read so far. */
  public abstract long uncompressedBytes();

  /**
   * Raw (compressed) blob bytes consumed so far, or -1 when unknown. Used by {@link Limits.Meter}
   * to judge the compression ratio; the decompressor reads ahead, so this may run slightly ahead of
   * the data returned.
   */
  public long compressedBytes() {
    return -1;
  }
}
