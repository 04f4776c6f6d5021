package dev.ocisquash.cli;

import dev.ocisquash.squash.Progress;
import java.io.PrintStream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Prints one line per finished stage with its wall time, throughput and the CPU time the whole
 * process used meanwhile (all threads; stages that overlap, such as one layer's read and the next
 * one's inflate, share it) ({@code --timings}), and forwards every call to the progress display it
 * wraps. Meant for finding which stage bounds a run, in CI logs as on terminals.
 */
final class StageTimings implements Progress {
  private final Progress inner;
  private final PrintStream out;
  private @Nullable String stage;
  private long bytes;
  private long started;
  private long cpuStarted;

  StageTimings(Progress inner, PrintStream out) {
    this.inner = inner;
    this.out = out;
  }

  @Override
  public void stage(String name, long totalBytes) {
    stage = name;
    bytes = 0;
    started = System.nanoTime();
    cpuStarted = cpuNanos();
    inner.stage(name, totalBytes);
  }

  @Override
  public void advance(long n) {
    bytes += n;
    inner.advance(n);
  }

  @Override
  public void done() {
    inner.done();
    double s = (System.nanoTime() - started) / 1e9;
    out.println(
        String.format(
            Locale.ROOT,
            "timing %-40s %8.3f s %10.1f MiB %8.1f MiB/s  cpu %8.3f s",
            stage,
            s,
            bytes / 1048576.0,
            s > 0 ? bytes / 1048576.0 / s : 0,
            (cpuNanos() - cpuStarted) / 1e9));
  }

  /**
   * The process's CPU time so far (user + system, all threads), or 0 where the platform does not
   * say.
   */
  private static long cpuNanos() {
    return ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .map(java.time.Duration::toNanos)
        .orElse(0L);
  }
}
