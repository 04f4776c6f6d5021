package dev.ocisquash.compress;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A process-wide pool of the 1 MiB byte arrays the layer-writing path fills and drains: gzip
 * members, hand-off chunks, copy buffers. Internal to ocisquash; public only because several of its
 * packages share it.
 *
 * <p>Why: those arrays live as long as one layer is written. Allocated afresh per layer, they were
 * still live at most young collections, so the collector copied them to the old generation and
 * later collected them there: with the 24 small layers of a re-layering that cost 0.5 CPU-seconds
 * of stop-the-world copying out of 3.5 (the Debian release pair, the launcher's serial collector).
 * Reused, they are copied once and then stay put.
 *
 * <p>An array from {@link #take()} holds stale bytes; callers track their own lengths. It must be
 * given back only when nothing reads or writes it any more; one not given back is simply garbage.
 * At most {@value #KEPT} arrays are kept, which bounds what the pool holds when idle.
 */
public final class ByteBlocks {
  /** The size of every array: {@link ParallelGzipOutputStream#MEMBER_SIZE}. */
  public static final int SIZE = ParallelGzipOutputStream.MEMBER_SIZE;

  /**
   * Arrays kept for reuse: enough for two layers in flight on a 4-thread run; beyond that they are
   * dropped.
   */
  static final int KEPT = 32;

  private static final ConcurrentLinkedQueue<byte[]> FREE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger FREE_COUNT = new AtomicInteger();

  private ByteBlocks() {}

  /** An array of {@link #SIZE} bytes, reused when one is free; its content is unspecified. */
  public static byte[] take() {
    byte[] b = FREE.poll();
    if (b == null) {
      return new byte[SIZE];
    }
    FREE_COUNT.decrementAndGet();
    return b;
  }

  /** Gives an array from {@link #take()} back; arrays of another size are ignored. */
  public static void give(byte @Nullable [] b) {
    if (b == null || b.length != SIZE) {
      return;
    }
    if (FREE_COUNT.incrementAndGet() <= KEPT) {
      FREE.offer(b);
    } else {
      FREE_COUNT.decrementAndGet();
    }
  }
}
