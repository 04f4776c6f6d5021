package dev.ocisquash.compress;

/**
 * The last bytes of a deflate stream's output, as many as a distance may reach back: what a decoder
 * restarted at a block boundary is given as its dictionary.
 */
final class DeflateHistory {
  private final int window;

  /** {@code buf[0, lim)} holds output; the history is its last {@link #length()} bytes. */
  private final byte[] buf;

  private int lim;

  /**
   * @param window how many bytes to keep
   */
  DeflateHistory(int window) {
    this.window = window;
    buf = new byte[2 * window];
  }

  /** Forgets everything (a new stream). */
  void clear() {
    lim = 0;
  }

  /** Appends {@code b[off, off + n)}, the stream's next output. */
  void add(byte[] b, int off, int n) {
    if (n >= window) {
      System.arraycopy(b, off + n - window, buf, 0, window);
      lim = window;
      return;
    }
    if (lim + n > buf.length) {
      // Here lim > window: keep the last window bytes, then append (at most one copy of the
      // window per window bytes added).
      System.arraycopy(buf, lim - window, buf, 0, window);
      lim = window;
    }
    System.arraycopy(b, off, buf, lim, n);
    lim += n;
  }

  /** The array holding the history, at {@code [start(), start() + length())}. */
  byte[] buffer() {
    return buf;
  }

  int start() {
    return Math.max(0, lim - window);
  }

  /** The history's length: the window, or all output so far when there is less. */
  int length() {
    return lim - start();
  }
}
