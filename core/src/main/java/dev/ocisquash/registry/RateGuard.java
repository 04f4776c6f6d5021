package dev.ocisquash.registry;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The minimum transfer rate of registry exchanges: a request whose server moves fewer than {@code
 * minRate} bytes per second over a window of {@code window} seconds spent waiting on it is cut (its
 * connection closed), whether it drips its response head, its body, or takes an upload's bytes.
 * Only time spent waiting on the server counts (a response head, a read, a write), so a reader that
 * pauses does not make the server look slow. Headers count as no bytes: a response head must arrive
 * within the window. This bounds silent and dripping servers alike, and endless interim (1xx)
 * responses, which the library reads while the head is awaited.
 */
final class RateGuard implements AutoCloseable {
  private final long minRate;
  private final long windowNanos;
  private final Set<Meter> active = ConcurrentHashMap.newKeySet();
  private final @Nullable ScheduledExecutorService timer;

  /**
   * @param minRate bytes per second; 0 turns the guard off
   * @param windowSeconds the window the rate is measured over
   */
  RateGuard(long minRate, long windowSeconds) {
    this.minRate = minRate;
    this.windowNanos = TimeUnit.SECONDS.toNanos(windowSeconds);
    if (minRate <= 0) {
      timer = null;
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ocisquash-rate-guard");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(windowNanos) / 8));
    // Runs until close(); check() throws nothing (a cut closes a connection quietly).
    var unused = timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** Starts measuring one exchange; {@code cut} closes its connection. */
  Meter start(Runnable cut) {
    Meter m = new Meter(cut);
    if (timer != null) {
      active.add(m);
    }
    return m;
  }

  private void check() {
    long now = System.nanoTime();
    for (Meter m : active) {
      m.check(now);
    }
  }

  /** What a cut exchange fails with. */
  private String reason() {
    return "the registry sent less than "
        + minRate
        + " bytes/s over "
        + TimeUnit.NANOSECONDS.toSeconds(windowNanos)
        + " s (--min-transfer-rate, --transfer-window)";
  }

  /** One exchange's waits and bytes. */
  final class Meter {
    private final Runnable cut;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
    private volatile long busySince = -1;
    private volatile @Nullable String failure;

    /** (time waited, bytes) samples, the guard's thread only. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    private Meter(Runnable cut) {
      this.cut = cut;
      samples.add(new long[] {0, 0});
    }

    /** A wait on the server begins (a head, a read, a write). */
    void begin() {
      busySince = System.nanoTime();
    }

    /** The wait ended, having moved {@code n} bytes (negative: none). */
    void end(long n) {
      long since = busySince;
      if (since >= 0) {
        busyNanos.addAndGet(System.nanoTime() - since);
      }
      busySince = -1;
      if (n > 0) {
        bytes.addAndGet(n);
      }
    }

    /** Why the exchange was cut, or null. */
    @Nullable String failure() {
      return failure;
    }

    /** The exchange is over. */
    void close() {
      active.remove(this);
    }

    private void check(long now) {
      long since = busySince;
      long busy = busyNanos.get() + (since >= 0 ? now - since : 0);
      long got = bytes.get();
      long[] last = samples.peekLast();
      if (last[0] != busy) {
        samples.addLast(new long[] {busy, got});
      }
      long[] base = null;
      while (!samples.isEmpty() && samples.peekFirst()[0] <= busy - windowNanos) {
        base = samples.pollFirst();
      }
      if (base == null) {
        return;
      }
      samples.addFirst(base); // the newest sample a whole window back stays the base
      double seconds = (busy - base[0]) / 1e9;
      if (got - base[1] < minRate * seconds && failure == null) {
        failure = reason();
        active.remove(this);
        cut.run();
      }
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
