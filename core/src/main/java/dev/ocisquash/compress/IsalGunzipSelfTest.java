package dev.ocisquash.compress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The self-test of ISA-L's inflate side, which {@link IsalLibrary} runs before it chooses the
 * library: the layout of {@code struct inflate_state} and a real decode through {@link
 * IsalGzipInputStream}, whose many blocks also take the block-by-block path (reset, dictionary,
 * forced BFINAL bits).
 */
final class IsalGunzipSelfTest {
  private IsalGunzipSelfTest() {}

  /**
   * Proves the layout assumptions on a loaded library before any layer depends on them: first
   * {@link IsalInflateState#checkLayout}; then gzip data written by the JDK (three members: dynamic
   * blocks, an empty member, whose one block is fixed-Huffman, and stored blocks) must decode
   * through {@link IsalGzipInputStream} to exactly its input, which only works when the end of each
   * member and the trailer position are found where they are.
   *
   * @param sample bytes to compress, a mix of text and random stretches
   * @return null when it works, otherwise what went wrong
   */
  static @Nullable String selfTest(IsalLibrary lib, byte[] sample) {
    String layout = IsalInflateState.checkLayout(lib);
    if (layout != null) {
      return layout;
    }
    try {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
        g.write(sample);
      }
      new GZIPOutputStream(gz).close(); // an empty member
      Deflater stored = new Deflater(0, true);
      try {
        // A level-0 member: stored blocks, which ISA-L copies rather than decodes.
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(member, stored)) {
          d.write(sample, 0, 100);
        }
        CRC32 c = new CRC32();
        c.update(sample, 0, 100);
        gz.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        gz.write(member.toByteArray());
        writeIntLe(gz, (int) c.getValue());
        writeIntLe(gz, 100);
      } finally {
        stored.end();
      }
      byte[] expected = Arrays.copyOf(sample, sample.length + 100);
      System.arraycopy(sample, 0, expected, sample.length, 100);
      byte[] got;
      try (IsalGzipInputStream s =
          new IsalGzipInputStream(lib, new ByteArrayInputStream(gz.toByteArray()))) {
        // Small reads first (through its own buffer, leaving output inside ISA-L between calls),
        // then
        // large ones.
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        byte[] buf = new byte[1000];
        for (int i = 0; i < 20; i++) {
          int n = s.read(buf, 0, buf.length);
          if (n < 0) {
            break;
          }
          back.write(buf, 0, n);
        }
        back.write(s.readAllBytes());
        got = back.toByteArray();
      }
      if (!Arrays.equals(expected, got)) {
        return "inflate output ("
            + got.length
            + " bytes) differs from the input ("
            + expected.length
            + " bytes)";
      }
      return null;
    } catch (IOException | RuntimeException | LinkageError e) {
      return "inflate: " + e;
    }
  }

  private static void writeIntLe(ByteArrayOutputStream o, int v) {
    o.write(v);
    o.write(v >>> 8);
    o.write(v >>> 16);
    o.write(v >>> 24);
  }
}
