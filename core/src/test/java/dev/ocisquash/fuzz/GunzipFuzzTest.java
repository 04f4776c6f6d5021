package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.compress.Decompressors;
import dev.ocisquash.compress.GzipDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the ISA-L gzip decoder against the JDK's on arbitrary deflate data: both must return the
 * same bytes or both must fail, a valid member cut short must be an {@link EOFException} for both,
 * and neither may throw anything but an {@link IOException} (nor crash the JVM in native code).
 * Random bytes rarely make a valid stream, so the data is wrapped: a gzip header, the fuzzed
 * deflate bytes, and, when the JDK can inflate a prefix of them, a correct trailer after that
 * prefix followed by the rest as trailing bytes; the choice of cut and wrapping is fuzzed too.
 *
 * <p>Data that is corrupt and also cut short may fail differently: zlib asks for more input before
 * it checks a dynamic block header (EOF), ISA-L checks what it has first (invalid block); see the
 * seed {@code crash-bf7f...}.
 *
 * <p>Any other difference fails. The seed {@code crash-f9d0...} is a dynamic block with an
 * incomplete code-length code, which ISA-L alone decodes and zlib refuses ("invalid code lengths
 * set"): the ISA-L decoder must refuse it too ({@code DeflateChecker}). The ISA-L decoder also
 * reads each file in small reads (1 to 97 bytes, from the file's hash), which must not change
 * whether it fails or what it gives: ISA-L stops at every block, and the bits of a header then span
 * reads.
 */
@Tag("integration") // libisal2 (JNA); .ci/fuzz.sh fuzzes it all the same
class GunzipFuzzTest {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  @FuzzTest(maxDuration = "60s")
  void isalMatchesJdk(FuzzedDataProvider data) throws IOException {
    boolean trailer = data.consumeBoolean();
    int cut = data.consumeInt(0, 64);
    byte[] deflate = data.consumeRemainingAsBytes();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    gz.writeBytes(HEADER);
    int used = trailer ? wrapValid(deflate, gz) : -1;
    if (used < 0) {
      gz.writeBytes(deflate);
    } else {
      gz.write(deflate, used, deflate.length - used);
    }
    byte[] file = gz.toByteArray();
    if (cut > 0 && cut < file.length) {
      file = Arrays.copyOf(file, file.length - cut);
    }
    // A cut inside the valid member (header, prefix, trailer) is a plain truncation.
    boolean truncatedValid = used >= 0 && file.length < HEADER.length + used + 8;
    byte[] jdk = null;
    IOException jdkError = null;
    try {
      jdk = read(file, GzipDecoder.JDK);
    } catch (IOException e) {
      jdkError = e;
    }
    byte[] isal = null;
    IOException isalError = null;
    try {
      isal = read(file, GzipDecoder.ISAL);
    } catch (IOException e) {
      isalError = e;
    }
    if ((jdkError == null) != (isalError == null)) {
      throw new AssertionError(
          "JDK "
              + (jdkError == null ? jdk.length + " bytes" : jdkError)
              + ", ISA-L "
              + (isalError == null ? isal.length + " bytes" : isalError));
    }
    if (jdkError == null && !Arrays.equals(jdk, isal)) {
      throw new AssertionError("different bytes: JDK " + jdk.length + ", ISA-L " + isal.length);
    }
    if (truncatedValid
        && !(jdkError instanceof EOFException && isalError instanceof EOFException)) {
      throw new AssertionError("JDK " + jdkError + ", ISA-L " + isalError);
    }
    // The same file in small reads (their size derived from the file, so that the seeds keep their
    // meaning): block headers and ISA-L's held bits then span reads, with the same outcome.
    int step = 1 + Math.floorMod(Arrays.hashCode(file), 97);
    byte[] split = null;
    IOException splitError = null;
    try {
      split = read(new SmallReads(file, step), GzipDecoder.ISAL);
    } catch (IOException e) {
      splitError = e;
    }
    if ((isalError == null) != (splitError == null)
        || (isalError == null && !Arrays.equals(isal, split))) {
      throw new AssertionError(
          "ISA-L in one read "
              + (isalError == null ? isal.length + " bytes" : isalError)
              + ", in reads of "
              + step
              + " bytes "
              + (splitError == null ? split.length + " bytes" : splitError));
    }
  }

  /** {@code data}, at most {@code step} bytes per read. */
  private static final class SmallReads extends ByteArrayInputStream {
    private final int step;

    SmallReads(byte[] data, int step) {
      super(data);
      this.step = step;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, Math.min(len, step));
    }
  }

  /**
   * When the JDK inflates a prefix of {@code deflate} to its end, writes that prefix and a matching
   * trailer to {@code gz} and returns the prefix length; otherwise returns -1 and writes nothing.
   */
  private static int wrapValid(byte[] deflate, ByteArrayOutputStream gz) {
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(deflate);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
          return -1;
        }
        out.write(buf, 0, n);
        if (out.size() > (16 << 20)) {
          return -1; // a bomb: not what this target is about
        }
      }
      int used = deflate.length - inf.getRemaining();
      CRC32 crc = new CRC32();
      byte[] plain = out.toByteArray();
      crc.update(plain);
      gz.write(deflate, 0, used);
      for (long v : new long[] {crc.getValue(), plain.length}) {
        for (int i = 0; i < 4; i++) {
          gz.write((int) (v >>> (8 * i)));
        }
      }
      return used;
    } catch (DataFormatException e) {
      return -1;
    } finally {
      inf.end();
    }
  }

  private static byte[] read(byte[] file, GzipDecoder decoder) throws IOException {
    return read(new ByteArrayInputStream(file), decoder);
  }

  private static byte[] read(InputStream raw, GzipDecoder decoder) throws IOException {
    try (InputStream in = Decompressors.gunzip(raw, decoder)) {
      return in.readAllBytes();
    }
  }
}
