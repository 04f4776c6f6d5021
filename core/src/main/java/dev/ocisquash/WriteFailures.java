package dev.ocisquash;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a failed write (disk full, I/O error) into one {@link ImageException} line naming the
 * output the user asked for, instead of a bare "No space left on device" that names nothing. Used
 * for the output itself and for the temporary files written on its way; internal to ocisquash,
 * public because several of its packages write such files.
 */
public final class WriteFailures extends FilterOutputStream {
  private final String output;
  private final String what;

  /**
   * Wraps {@code out}.
   *
   * @param output the output as the user named it
   * @param what what was being written, e.g. "output" or "temporary file PATH"
   */
  public WriteFailures(OutputStream out, String output, String what) {
    super(out);
    this.output = output;
    this.what = what;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  private ImageException fail(IOException e) {
    return ImageException.cannotWrite(output, what, e);
  }
}
