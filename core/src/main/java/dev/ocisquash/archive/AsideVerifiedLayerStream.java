package dev.ocisquash.archive;

import dev.ocisquash.BackgroundFailures;
import dev.ocisquash.compress.Compression;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import org.jspecify.annotations.Nullable;

/**
 * An uncompressed layer whose bytes are handed to the caller straight from the blob while a second
 * thread reads the same blob independently and verifies it, exactly as {@link VerifyingLayerStream}
 * does (size, blob digest, diff_id). Hashing is then no longer on the path of the parser, and the
 * blobs of two layers (the current one and the one read ahead) are verified at once, on separate
 * cores.
 *
 * <p>What the caller sees does not change: bytes in order; at the end of the stream ({@code read}
 * returning -1 or {@link #finish()}) the verification's result, a digest mismatch being thrown as
 * the same {@link dev.ocisquash.ImageException}; a truncated blob ends the caller's stream early
 * just as before. Both threads read the same unchanged file (the input must not change during a
 * run).
 */
final class AsideVerifiedLayerStream extends LayerStream {
  private final InputStream raw;
  private final Thread verifier;
  private volatile @Nullable Throwable failure;
  private volatile boolean cancelled;
  private long count;
  private boolean verified;
  private boolean closed;

  /**
   * Starts verifying {@code layer} on a daemon thread and streams {@code rawBlob}, a second stream
   * of its blob.
   */
  AsideVerifiedLayerStream(ArchiveLayer layer, InputStream rawBlob) throws IOException {
    this.raw = rawBlob;
    InputStream second;
    try {
      second = layer.openRaw();
    } catch (IOException | RuntimeException e) {
      rawBlob.close();
      throw e;
    }
    verifier =
        new Thread(
            () -> {
              try (VerifyingLayerStream v =
                  new VerifyingLayerStream(layer, new Cancellable(second), Compression.NONE)) {
                v.finish();
              } catch (Throwable t) {
                failure = t;
              }
            },
            "ocisquash-verify " + layer.label());
    verifier.setDaemon(true);
    verifier.start();
  }

  /** Lets {@link #close()} stop the verifier between reads, without interrupting it (see below). */
  private final class Cancellable extends FilterInputStream {
    Cancellable(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (cancelled) {
        throw new InterruptedIOException("verification cancelled");
      }
      return in.read(b, off, len);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (verified) {
      return -1;
    }
    int n = raw.read(b, off, len);
    if (n < 0) {
      awaitVerification();
      return -1;
    }
    count += n;
    return n;
  }

  @Override
  public void finish() throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (read(buf, 0, buf.length) >= 0) {
      // drain: the caller's view ends where the blob ends
    }
  }

  private void awaitVerification() throws IOException {
    verified = true;
    try {
      verifier.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while verifying a layer");
    }
    BackgroundFailures.rethrow(failure);
  }

  @Override
  public long uncompressedBytes() {
    return count;
  }

  @Override
  public long compressedBytes() {
    return count;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // No interrupt: an interrupted read on a FileChannel closes the channel, which the other layers
    // of the same
    // archive share. The flag stops the verifier at its next read.
    cancelled = true;
    raw.close();
  }
}
