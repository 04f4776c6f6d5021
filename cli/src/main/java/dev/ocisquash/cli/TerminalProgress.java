package dev.ocisquash.cli;

import dev.ocisquash.squash.Progress;
import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress bars on stderr for an interactive terminal: one line per stage, redrawn at most five
 * times a second, with bytes, throughput and, when the stage's size is known, a bar and an ETA.
 */
final class TerminalProgress implements Progress {
  private static final long REDRAW_NANOS = 200_000_000L;
  private final PrintStream err;
  private String stage = "";
  private long total;
  private long done;
  private long started;
  private long lastDraw;

  TerminalProgress(PrintStream err) {
    this.err = err;
  }

  /** Bars when stderr is a terminal and not quiet; otherwise nothing at all. */
  static Progress forConsole(boolean quiet) {
    return !quiet && interactive() ? new TerminalProgress(System.err) : Progress.NONE;
  }

  /**
   * Whether the JVM has an interactive console. Up to JDK 21 {@link System#console()} is null
   * without one; from JDK 22 it is never null and {@code Console.isTerminal()} (absent from 17)
   * tells.
   */
  @SuppressWarnings("SystemConsoleNull") // the null check is right up to JDK 21; isTerminal after
  private static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // JDK 17 to 21: a console at all means a terminal
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  @Override
  public void stage(String name, long totalBytes) {
    stage = name;
    total = totalBytes;
    done = 0;
    started = System.nanoTime();
    lastDraw = 0;
    draw(false);
  }

  @Override
  public void advance(long bytes) {
    done += bytes;
    long now = System.nanoTime();
    if (now - lastDraw >= REDRAW_NANOS) {
      lastDraw = now;
      draw(false);
    }
  }

  @Override
  public void done() {
    draw(true);
  }

  private void draw(boolean last) {
    double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    double rate = done / secs;
    StringBuilder sb = new StringBuilder("\r");
    sb.append(String.format(Locale.ROOT, "%-36.36s ", stage));
    if (total > 0) {
      int width = 24;
      int fill = (int) Math.min(width, width * done / total);
      sb.append('[').append("#".repeat(fill)).append(" ".repeat(width - fill)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3d%% ", Math.min(100, done * 100 / total)));
    }
    sb.append(
        String.format(Locale.ROOT, "%10s %10s/s", Summary.human(done), Summary.human((long) rate)));
    if (total > 0 && !last && rate > 0) {
      sb.append(String.format(Locale.ROOT, "  ETA %4.0fs", Math.max(0, (total - done) / rate)));
    } else {
      sb.append(String.format(Locale.ROOT, "  %5.1fs   ", secs));
    }
    err.print(sb);
    if (last) {
      err.println();
    }
    err.flush();
  }
}
