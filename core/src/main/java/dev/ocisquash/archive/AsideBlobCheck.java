package dev.ocisquash.archive;

import dev.ocisquash.BackgroundFailures;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The size and digest of a compressed layer's blob, taken on a thread of its own from a second read
 * of the blob while the decompressor reads the first. Hashing the compressed bytes is then off the
 * decompressing thread, and the blob of the layer read ahead is hashed at once rather than as far
 * as its prefetch buffer allows ({@link VerifyingLayerStream} compares the result, with the same
 * messages as when it hashes the blob itself). Only for blobs that can be read twice (a layout
 * directory, an archive file); both reads see the same unchanged file.
 */
final class AsideBlobCheck {
  private static final int BUFFER = 256 * 1024;

  private final Thread thread;
  private volatile boolean cancelled;
  private volatile @Nullable Throwable failure;
  private volatile @Nullable Result result;

  /** What a read of the whole blob found: every byte counted and hashed. */
  static final class Result {
    private final long size;
    private final byte[] hash;

    Result(long size, byte[] hash) {
      this.size = size;
      this.hash = hash;
    }

    long size() {
      return size;
    }

    byte[] hash() {
      return hash;
    }
  }

  /**
   * Starts hashing a second read of {@code layer}'s blob.
   *
   * @param algorithm the JDK name of the digest the manifest declares
   */
  AsideBlobCheck(ArchiveLayer layer, String algorithm) throws IOException {
    this(layer.openRaw(), algorithm, layer.label());
  }

  /**
   * Starts hashing {@code second}, a stream of the whole blob, on a thread named after {@code
   * label}; the thread closes it.
   */
  AsideBlobCheck(InputStream second, String algorithm, String label) {
    thread =
        new Thread(
            () -> {
              try (VerifyingLayerStream.HashingInputStream in =
                  new VerifyingLayerStream.HashingInputStream(
                      new CancellableInputStream(second, () -> cancelled), algorithm)) {
                byte[] buf = new byte[BUFFER];
                while (in.read(buf, 0, buf.length) >= 0) {
                  // every byte is hashed on its way
                }
                result = new Result(in.count, in.hash.digest());
              } catch (Throwable t) {
                failure = t;
              }
            },
            "ocisquash-verify " + label);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits for the second read to end.
   *
   * @throws IOException what the second read failed with
   */
  Result await() throws IOException {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while verifying a layer");
    }
    BackgroundFailures.rethrow(failure);
    return Objects.requireNonNull(result, "the second read ended without a result");
  }

  /** Stops the second read at its next read; {@link #await()} then fails. */
  void cancel() {
    cancelled = true;
  }
}
