package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The retry policy of registry requests: which failures are tried again (429, 5xx, a broken
 * connection, as many times as {@link RegistryOptions#attempts()}), and the exponential backoff
 * between tries ({@link RegistryOptions#backoff()}, doubled each time, at least {@code
 * Retry-After}, at most a minute).
 */
final class Retries {
  private final RegistryOptions options;

  Retries(RegistryOptions options) {
    this.options = options;
  }

  /** Whether attempt {@code attempt} (from 1) may be followed by another. */
  boolean another(int attempt) {
    return attempt < options.attempts();
  }

  /** Whether an answer with this status is tried again. */
  static boolean retried(int status) {
    return status == 429 || status >= 500;
  }

  /**
   * Waits before attempt {@code attempt + 1}; {@code retryAfter} is the server's header, or null.
   */
  void backoff(int attempt, @Nullable String retryAfter) throws ImageException {
    long ms = options.backoff().toMillis() << Math.min(attempt - 1, 10);
    if (retryAfter != null && retryAfter.matches("\\d{1,3}")) {
      ms = Math.max(ms, Long.parseLong(retryAfter) * 1000);
    }
    try {
      Thread.sleep(Math.min(ms, 60_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException(Kind.INTERRUPTED, "interrupted");
    }
  }

  /** {@code " (after N attempts)"} for messages, or "" after one. */
  static String after(int n) {
    return n > 1 ? " (after " + n + " attempts)" : "";
  }
}
