package dev.ocisquash.strip;

import java.io.Closeable;
import java.io.IOException;

/** Random-access read-only content of one regular file. */
public interface SeekableContent extends Closeable {
  /** The content length in bytes. */
  long size();

  /**
   * Reads up to {@code len} bytes at {@code position} into {@code buf[off..]}.
   *
   * @return the number of bytes read, or -1 when {@code position} is at or past the end
   * @throws IOException when reading fails
   */
  int read(long position, byte[] buf, int off, int len) throws IOException;

  /**
   * Reads exactly {@code len} bytes at {@code position}, or fewer only at the end of the content.
   *
   * @return the number of bytes read (0 at the end)
   * @throws IOException when reading fails
   */
  default int readFully(long position, byte[] buf, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = read(position + done, buf, off + done, len - done);
      if (n <= 0) {
        break;
      }
      done += n;
    }
    return done;
  }
}
