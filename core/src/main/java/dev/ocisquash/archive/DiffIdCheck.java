package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import java.security.MessageDigest;

/**
 * The diff_id check of one layer, taken over from its {@link LayerStream} by a reader that hashes
 * the uncompressed bytes on a thread of its own (see {@link LayerStream#handOverDiffId()}). Feed it
 * every byte the stream returned, in order; call {@link #verify()} once the stream's {@code
 * finish()} succeeded. A mismatch is the same error, word for word, as the stream's own check.
 */
public final class DiffIdCheck {
  /** Compares a finished hash with the declared diff_id; throws the stream's mismatch error. */
  @FunctionalInterface
  interface Verifier {
    void verify(byte[] hash) throws ImageException;
  }

  private final MessageDigest hash;
  private final Verifier verifier;

  DiffIdCheck(MessageDigest hash, Verifier verifier) {
    this.hash = hash;
    this.verifier = verifier;
  }

  /** Hashes the next {@code len} bytes the stream returned. */
  public void update(byte[] b, int off, int len) {
    hash.update(b, off, len);
  }

  /**
   * Checks the hash of everything fed against the config's diff_id.
   *
   * @throws ImageException naming the layer on a mismatch
   */
  public void verify() throws ImageException {
    verifier.verify(hash.digest());
  }
}
