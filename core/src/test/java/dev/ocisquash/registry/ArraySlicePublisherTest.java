package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ArraySlicePublisherTest {
  /** Requests {@code step} slices at a time, again from inside onNext (as the HTTP client does), until complete. */
  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final int step;
    final int cancelAfter;
    Flow.Subscription sub;
    int received;
    boolean completed;

    Collector(int step, int cancelAfter) {
      this.step = step;
      this.cancelAfter = cancelAfter;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      sub = s;
      s.request(step);
    }

    @Override
    public void onNext(ByteBuffer b) {
      assertTrue(b.isReadOnly(), "the caller's array must not be written through a slice");
      byte[] a = new byte[b.remaining()];
      b.get(a);
      bytes.writeBytes(a);
      if (++received == cancelAfter) {
        sub.cancel();
      } else if (received % step == 0) {
        sub.request(step);
      }
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onComplete() {
      assertTrue(!completed, "completed twice");
      completed = true;
    }
  }

  @Test
  void sendsExactlyTheRegionOncePerSubscription() {
    byte[] data = new byte[3 * (256 << 10) + 12345];
    new Random(5).nextBytes(data);
    ArraySlicePublisher p = new ArraySlicePublisher(data, 100, data.length - 200);
    assertEquals(data.length - 200, p.contentLength());
    byte[] region = java.util.Arrays.copyOfRange(data, 100, data.length - 100);
    for (int step : new int[] {1, 2, 100}) {
      Collector c = new Collector(step, -1);
      p.subscribe(c);
      assertTrue(c.completed, "step " + step);
      assertArrayEquals(region, c.bytes.toByteArray(), "step " + step);
    }
  }

  @Test
  void anEmptyRegionCompletesAtOnceAndCancelStops() {
    Collector empty = new Collector(1, -1);
    new ArraySlicePublisher(new byte[10], 10, 0).subscribe(empty);
    assertTrue(empty.completed);
    assertEquals(0, empty.bytes.size());
    Collector cancelled = new Collector(1, 1);
    new ArraySlicePublisher(new byte[1 << 20], 0, 1 << 20).subscribe(cancelled);
    assertEquals(1, cancelled.received);
    assertTrue(!cancelled.completed);
    assertThrows(IndexOutOfBoundsException.class, () -> new ArraySlicePublisher(new byte[10], 5, 6));
  }
}
