package dev.ocisquash.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body read straight from a region of a byte array, in slices that wrap it.
 *
 * <p>Why not {@code BodyPublishers.ofByteArray(body, off, len)}: the JDK's publisher copies the whole region into
 * fresh 16 KiB buffers when the request starts. For a 16 MiB upload chunk that is 16 MiB of copies per request,
 * alive until the chunk is sent, which the collector then copied again into the old generation: 0.3 to 0.4 s of
 * pauses while a squash pushed its 45 MiB layer (the registry benchmark's image).
 *
 * <p>The array must not change until the request has completed; {@link BlobUpload} reuses a chunk's array only
 * after its request returned. Each subscription (the client subscribes again when it resends, e.g. after a 401)
 * starts from the beginning of the region.
 */
final class ArraySlicePublisher implements HttpRequest.BodyPublisher {
  /** Bytes per slice: the client writes each to the socket as it comes, so a slice is one write. */
  private static final int SLICE = 256 << 10;

  private final byte[] data;
  private final int off;
  private final int len;

  ArraySlicePublisher(byte[] data, int off, int len) {
    if (off < 0 || len < 0 || off + len > data.length) {
      throw new IndexOutOfBoundsException("region " + off + "+" + len + " of " + data.length + " bytes");
    }
    this.data = data;
    this.off = off;
    this.len = len;
  }

  @Override
  public long contentLength() {
    return len;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    subscriber.onSubscribe(new Slices(subscriber));
  }

  /** One subscription: emits slices as demanded, from whichever thread asks, one emitter at a time. */
  private final class Slices implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    /** Calls to {@link #drain} not yet served; only the call that raised it from 0 emits. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean cancelled;
    private int pos = off;
    private boolean completed;

    Slices(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelled = true;
        subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    private void drain() {
      if (pending.getAndIncrement() != 0) {
        return; // the emitting call sees the new demand before it stops
      }
      int missed = 1;
      do {
        int end = off + len;
        while (!cancelled && pos < end && demand.get() > 0) {
          demand.decrementAndGet();
          int n = Math.min(SLICE, end - pos);
          ByteBuffer slice = ByteBuffer.wrap(data, pos, n).slice().asReadOnlyBuffer();
          pos += n;
          subscriber.onNext(slice);
        }
        if (!cancelled && pos >= end && !completed) {
          completed = true;
          subscriber.onComplete();
        }
        missed = pending.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}
