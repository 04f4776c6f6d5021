package dev.ocisquash.archive;

import dev.ocisquash.BackgroundFailures;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Reads (and so decompresses and verifies) a layer on a background thread, a few MiB ahead of the
 * consumer, so that decompression runs on one core while tar parsing and spooling run on another.
 * When the wrapped stream hands over its diff_id check ({@link LayerStream#handOverDiffId()}), a
 * second thread hashes each chunk between the two, so that the reading thread (read, blob hash,
 * inflate) no longer also takes the SHA-256 of every uncompressed byte: on the Debian image that
 * thread was the one the whole read phase waited for. Memory is bounded by the queues: {@link
 * #DEPTH} chunks of {@link #CHUNK} bytes. The bytes, their order and every error are exactly those
 * of the wrapped stream (the diff_id is checked only after the blob's own checks passed, as the
 * stream does); an error on a background thread surfaces at the consumer's next read or at {@link
 * #finish()}.
 */
public final class PrefetchingLayerStream extends LayerStream {
  static final int CHUNK = 1 << 20;
  static final int DEPTH = 4;
  private static final byte[] EOF = new byte[0];

  private final LayerStream inner;
  private final BlockingQueue<byte[]> full = new ArrayBlockingQueue<>(DEPTH + 2);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH + 2);

  /** Where the consumer takes chunks: {@link #full}, or the hashing thread's output. */
  private final BlockingQueue<byte[]> ready;

  private final Thread worker;
  private final @Nullable Thread hasher;
  private volatile @Nullable Throwable failure;
  private volatile boolean cancelled;
  private byte @Nullable [] current;
  private int currentLen;
  private int pos;
  private boolean eof;
  private long consumed;

  /** Starts reading {@code inner} ahead on a daemon thread named after {@code label}. */
  public PrefetchingLayerStream(LayerStream inner, String label) {
    this.inner = inner;
    for (int i = 0; i < DEPTH; i++) {
      free.add(new byte[CHUNK + 4]);
    }
    DiffIdCheck diffId = inner.handOverDiffId();
    if (diffId == null) {
      ready = full;
      hasher = null;
    } else {
      ready = new ArrayBlockingQueue<>(DEPTH + 2);
      hasher = daemon(() -> hash(diffId), "ocisquash-diff_id " + label);
    }
    worker = daemon(this::pump, "ocisquash-prefetch " + label);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The background loop: fill free chunks; the last 4 bytes of a chunk carry its length. */
  private void pump() {
    try {
      while (!cancelled) {
        byte[] b = free.take();
        int n = inner.readNBytes(b, 0, CHUNK);
        if (n > 0) {
          b[CHUNK] = (byte) (n >>> 24);
          b[CHUNK + 1] = (byte) (n >>> 16);
          b[CHUNK + 2] = (byte) (n >>> 8);
          b[CHUNK + 3] = (byte) n;
          full.put(b);
        }
        if (n < CHUNK) {
          inner.finish(); // verifies digests; throws on mismatch
          full.put(EOF);
          return;
        }
      }
    } catch (Throwable t) {
      failure = t;
      full.offer(EOF);
    }
  }

  /**
   * The hashing loop, between {@link #pump()} and the consumer: hash each chunk, pass it on; at the
   * end, once the blob's checks passed, check the diff_id.
   */
  private void hash(DiffIdCheck diffId) {
    try {
      while (true) {
        byte[] b = full.take();
        if (b == EOF) {
          if (failure == null && !cancelled) {
            diffId.verify();
          }
          ready.put(EOF);
          return;
        }
        diffId.update(b, 0, length(b));
        ready.put(b);
      }
    } catch (Throwable t) {
      failure = t;
      ready.offer(EOF);
    }
  }

  private static int length(byte[] b) {
    return ((b[CHUNK] & 0xff) << 24)
        | ((b[CHUNK + 1] & 0xff) << 16)
        | ((b[CHUNK + 2] & 0xff) << 8)
        | (b[CHUNK + 3] & 0xff);
  }

  private boolean nextChunk() throws IOException {
    if (eof) {
      rethrow(); // a background failure is reported to every later read, not only the first
      return false;
    }
    if (current != null) {
      free.offer(current);
      current = null;
    }
    byte[] b;
    try {
      b = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading a layer");
    }
    if (b == EOF) {
      eof = true;
      rethrow();
      return false;
    }
    current = b;
    currentLen = length(b);
    pos = 0;
    return true;
  }

  private void rethrow() throws IOException {
    BackgroundFailures.rethrow(failure);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (current == null || pos >= currentLen) {
      if (!nextChunk()) {
        return -1;
      }
    }
    int n = Math.min(len, currentLen - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    consumed += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      if (current == null || pos >= currentLen) {
        if (!nextChunk()) {
          break;
        }
        continue;
      }
      int k = (int) Math.min(left, currentLen - pos);
      pos += k;
      consumed += k;
      left -= k;
    }
    return n - left;
  }

  @Override
  public void finish() throws IOException {
    skip(Long.MAX_VALUE); // the rest, the chunk in hand included, counts as read
    rethrow();
  }

  @Override
  public long uncompressedBytes() {
    return consumed;
  }

  @Override
  public long compressedBytes() {
    return inner.compressedBytes();
  }

  @Override
  public void close() throws IOException {
    // No interrupt: an interrupted read on a FileChannel closes the channel, which other layers of
    // the same archive share. Unblock the threads instead and let them see the flag.
    cancelled = true;
    try {
      for (int i = 0; i < 200 && worker.isAlive(); i++) {
        full.clear();
        ready.clear();
        free.offer(new byte[CHUNK + 4]);
        worker.join(50);
      }
      Thread h = hasher;
      for (int i = 0; h != null && i < 200 && h.isAlive(); i++) {
        ready.clear();
        full.offer(EOF);
        h.join(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inner.close();
  }
}
