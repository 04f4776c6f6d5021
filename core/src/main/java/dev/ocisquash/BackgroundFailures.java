package dev.ocisquash;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Rethrows, on the thread that consumes a background stage's work, what failed on the background
 * thread: the same exception where its type allows, so that an {@link ImageException} keeps its
 * one-line message.
 */
public final class BackgroundFailures {
  private BackgroundFailures() {}

  /**
   * Throws {@code failure} as it is when it is an {@link IOException}, a {@link RuntimeException}
   * or an {@link Error}, wrapped in an {@code IOException} otherwise; does nothing when it is null.
   */
  public static void rethrow(@Nullable Throwable failure) throws IOException {
    if (failure == null) {
      return;
    }
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof RuntimeException rt) {
      throw rt;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    throw new IOException(failure);
  }
}
