package dev.ocisquash.squash;

import dev.ocisquash.BackgroundFailures;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for work a squash runs on other threads, with its failure rethrown as the failure itself.
 */
final class Futures {
  private Futures() {}

  /**
   * The result of {@code f}, waiting for it.
   *
   * @param doing what is waited for, for the message when the wait is interrupted ("writing
   *     layers")
   * @throws IOException (an {@link dev.ocisquash.ImageException} included) or an unchecked
   *     exception as the work threw it
   */
  static <T> T get(Future<T> f, String doing) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    } catch (ExecutionException e) {
      BackgroundFailures.rethrow(e.getCause());
      throw new IOException(e); // an ExecutionException always has a cause
    }
  }
}
