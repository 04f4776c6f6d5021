package dev.ocisquash.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * A stream that a second thread's read of a blob goes through, so that closing the layer stops that
 * thread between reads without interrupting it: an interrupted read on a {@code FileChannel} closes
 * the channel, which the other layers of the same archive share.
 */
final class CancellableInputStream extends FilterInputStream {
  private final BooleanSupplier cancelled;

  CancellableInputStream(InputStream in, BooleanSupplier cancelled) {
    super(in);
    this.cancelled = cancelled;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (cancelled.getAsBoolean()) {
      throw new InterruptedIOException("verification cancelled");
    }
    return in.read(b, off, len);
  }
}
