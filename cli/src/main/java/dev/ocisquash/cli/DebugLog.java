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
  private static final Logger LIBRARY = Logger.getLogger("dev.ocisquash");
  private static final Handler STDERR =
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

  private DebugLog() {}

  /** Turns the debug lines on or off (idempotent: commands run in-process more than once). */
  static synchronized void enable(boolean on) {
    LIBRARY.removeHandler(STDERR);
    if (on) {
      STDERR.setLevel(Level.ALL);
      LIBRARY.addHandler(STDERR);
      LIBRARY.setUseParentHandlers(false);
      LIBRARY.setLevel(Level.FINE);
    } else {
      LIBRARY.setUseParentHandlers(true);
      LIBRARY.setLevel(null);
    }
  }
}
