package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.ImageException;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fuzzes tar header parsing (ustar/GNU/PAX, numbers, long names): every input is either read to the
 * end or rejected with {@link ImageException}; never another exception, and never more content than
 * the input holds.
 */
class TarReaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parseHeaders(byte[] input) throws IOException {
    TarReader r = new TarReader(new ByteArrayInputStream(input), "fuzz");
    byte[] buf = new byte[4096];
    long total = 0;
    try {
      for (TarEntry e = r.next(); e != null; e = r.next()) {
        e.path();
        e.linkTarget();
        InputStream c = r.content();
        for (int n = c.read(buf); n >= 0; n = c.read(buf)) {
          total += n;
        }
        if (total > input.length) {
          throw new AssertionError(
              "read " + total + " content bytes from a " + input.length + " byte input");
        }
      }
    } catch (ImageException expected) {
      // rejected with a message: fine
    }
  }
}
