package dev.ocisquash.compress;

import java.io.IOException;
import java.io.OutputStream;

/** Factories for layer compressors that take the thread count, so callers need not know which class fits. */
public final class Compressors {
  private Compressors() {}

  /**
   * Opens a gzip writer. Output bytes depend only on the input and the level, never on {@code threads}: every
   * thread count, including 1, uses the same block layout (see {@link ParallelGzipOutputStream}).
   *
   * @param out the target; closing the returned stream finishes the gzip member and closes it
   * @param level deflate level 0..9, or -1 for zlib's default (6)
   * @param threads compression threads; {@code <= 1} compresses on the calling thread
   */
  public static OutputStream gzip(OutputStream out, int level, int threads) throws IOException {
    return new ParallelGzipOutputStream(out, level, threads);
  }

  /** Which gzip encoder {@link #gzip} uses, for {@code --version} and run summaries. */
  public static String describe() {
    return ParallelGzipOutputStream.describe();
  }
}
