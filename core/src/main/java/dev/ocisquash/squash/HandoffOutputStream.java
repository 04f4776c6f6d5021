package dev.ocisquash.squash;

import dev.ocisquash.BackgroundFailures;
import dev.ocisquash.compress.ByteBlocks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Moves everything downstream of the tar writer (hashing the diff_id, feeding the compressor,
 * hashing the blob, writing the file) onto one background thread, so that the writing thread only
 * reads content and frames tar entries. Bytes are copied into chunks of {@link #CHUNK} bytes and
 * handed over in order; memory is bounded by {@link #DEPTH} chunks. The wrapped stream sees exactly
 * the bytes written, in order, from a single thread.
 *
 * <p>A failure downstream (disk full, a compressor error) is rethrown, as the same exception when
 * it is an {@link IOException}, by the next {@code write} or by {@link #close()}. {@code close()}
 * waits until every byte has reached the wrapped stream, which it does not close.
 */
final class HandoffOutputStream extends OutputStream {
  static final int CHUNK = ByteBlocks.SIZE;
  static final int DEPTH = 4;

  private static final class Chunk {
    final byte[] data;
    int len;

    Chunk(byte[] data) {
      this.data = data;
    }

    Chunk() {
      this(ByteBlocks.take());
    }
  }

  private static final Chunk END = new Chunk(new byte[0]);

  private final OutputStream out;
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(DEPTH + 1);
  private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(DEPTH);
  private final Thread worker;
  private volatile @Nullable Throwable failure;
  private Chunk current;
  private boolean closed;

  /** Starts the background thread, named {@code name}, that writes to {@code out}. */
  HandoffOutputStream(OutputStream out, String name) {
    this.out = out;
    for (int i = 0; i < DEPTH; i++) {
      free.add(new Chunk());
    }
    current = free.poll();
    worker = new Thread(this::drain, name);
    worker.setDaemon(true);
    worker.start();
  }

  private void drain() {
    try {
      while (true) {
        Chunk c = full.take();
        if (c == END) {
          return;
        }
        if (failure == null) {
          out.write(c.data, 0, c.len);
        }
        c.len = 0;
        free.put(c);
      }
    } catch (Throwable t) {
      failure = t;
      // Keep the writer from blocking forever on an empty free queue: give back one chunk it can
      // fill and drop.
      free.offer(new Chunk());
      // Drain what is still queued so the writer's next put never blocks; END ends the loop.
      try {
        for (Chunk c = full.take(); c != END; c = full.take()) {
          c.len = 0;
          free.offer(c);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    while (len > 0) {
      int n = Math.min(len, CHUNK - current.len);
      System.arraycopy(b, off, current.data, current.len, n);
      current.len += n;
      off += n;
      len -= n;
      if (current.len == CHUNK) {
        handOff();
      }
    }
  }

  /** Hands the current chunk over and takes a free one; rethrows a downstream failure. */
  private void handOff() throws IOException {
    rethrow();
    try {
      full.put(current);
      current = free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the layer");
    }
    rethrow();
  }

  /**
   * Does nothing: bytes move on when a chunk fills or at {@link #close()}; flushing early would
   * only cost.
   */
  @Override
  public void flush() {}

  /**
   * Hands over the last bytes, waits until they are written downstream, and rethrows any failure.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean handedOver = current.len > 0;
    try {
      if (handedOver) {
        full.put(current);
      }
      full.put(END);
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the layer");
    }
    // The worker has ended: every chunk handed over is back in the free queue, the last one too
    // when it was.
    for (Chunk c = free.poll(); c != null; c = free.poll()) {
      ByteBlocks.give(c.data);
    }
    if (!handedOver) {
      ByteBlocks.give(current.data);
    }
    rethrow();
  }

  /**
   * After a failure on the writing side: stops the background thread without writing what is still
   * queued and without waiting for it. Never throws.
   */
  void abandon() {
    if (closed) {
      return;
    }
    closed = true;
    if (failure == null) {
      failure = new IOException("layer write abandoned");
    }
    full.offer(END);
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }

  private void rethrow() throws IOException {
    BackgroundFailures.rethrow(failure);
  }
}
