package dev.ocisquash.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code --debug}: the library's debug notes (System.Logger at DEBUG, which the JDK maps to
 * java.util.logging FINE) go to stderr, one line each, prefixed {@code ocisquash: debug:}. Off by
 * default, so a run prints only its summary.
 */
final class DebugLog {
  /** Whether {@link #enable} ever turned the lines on in this process. */
  private static boolean used;

  private DebugLog() {}

  /**
   * Turns the debug lines on or off (idempotent: commands run in-process more than once). Off when
   * they were never on is nothing to undo: java.util.logging (some 40 classes and its configuration
   * file) is not loaded for it, which every run without {@code --debug} used to pay at start-up.
   */
  static synchronized void enable(boolean on) {
    if (!on && !used) {
      return;
    }
    used = true;
    Logger library = Handlers.LIBRARY;
    library.removeHandler(Handlers.STDERR);
    if (on) {
      Handlers.STDERR.setLevel(Level.ALL);
      library.addHandler(Handlers.STDERR);
      library.setUseParentHandlers(false);
      library.setLevel(Level.FINE);
    } else {
      library.setUseParentHandlers(true);
      library.setLevel(null);
    }
  }

  /** The library's logger and the stderr handler, made on first use. */
  private static final class Handlers {
    static final Logger LIBRARY = Logger.getLogger("dev.ocisquash");
    static final Handler STDERR =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (isLoggable(r)) {
              System.err.println(
                  "ocisquash: debug: " + new java.util.logging.SimpleFormatter().formatMessage(r));
            }
          }

          @Override
          public void flush() {
            System.err.flush();
          }

          @Override
          public void close() {}
        };

    private Handlers() {}
  }
}
