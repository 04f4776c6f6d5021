package dev.ocisquash.compress;

import static dev.ocisquash.compress.HandmadeDeflate.lens;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.ZipException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link IsalGzipInputStream} makes ISA-L stop at the end of every deflate block by forcing the
 * BFINAL bit of each header in ISA-L's copy of the input, checks the header in Java and resumes
 * ISA-L at the next block. These streams have many blocks of every kind, split into reads at every
 * offset, so that headers start in bits ISA-L already holds ({@code read_in}) and in the input
 * buffer, span reads, and follow blocks that were walked or skipped; the outcome must be the JDK's
 * (zlib's) each time.
 */
@Tag("integration") // libisal2 (JNA)
class IsalBlockStopTest {
  /** A complete literal/length code: 'a', 'b', end-of-block and length 3 (257), two bits each. */
  private static final int[] LIT4 = lens(258, 'a', 2, 'b', 2, 256, 2, 257, 2);

  /** A complete distance code: distances 1 and 2, one bit each. */
  private static final int[] DIST2 = lens(2, 0, 1, 1, 1);

  @BeforeAll
  static void isalIsInstalled() {
    assertNotNull(IsalLibrary.shared(), "ISA-L must load here: " + IsalLibrary.unavailableReason());
  }

  @Test
  void blocksOfEveryKindSplitAtEveryOffset() throws IOException {
    byte[] plain = new byte[0];
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    Deflater def = new Deflater(6, true);
    // Dynamic and fixed blocks, empty stored blocks (sync flushes), stored blocks (level 0), a full
    // flush (no history across it) and a final block.
    byte[][] parts = {
      GzipTestData.text(900, 1),
      "x".getBytes(StandardCharsets.US_ASCII),
      GzipTestData.random(300, 2),
      GzipTestData.mixed(1500, 3),
      "abcabcabc".getBytes(StandardCharsets.US_ASCII),
      GzipTestData.text(700, 4)
    };
    int[] levels = {6, 6, 0, 9, 1, 6};
    int[] flushes = {
      Deflater.SYNC_FLUSH,
      Deflater.SYNC_FLUSH,
      Deflater.NO_FLUSH,
      Deflater.FULL_FLUSH,
      Deflater.SYNC_FLUSH,
      Deflater.NO_FLUSH
    };
    byte[] buf = new byte[1 << 16];
    for (int i = 0; i < parts.length; i++) {
      def.setLevel(levels[i]);
      def.setInput(parts[i]);
      int n;
      while ((n = def.deflate(buf, 0, buf.length, flushes[i])) > 0) {
        d.write(buf, 0, n);
      }
      plain = concat(plain, parts[i]);
    }
    def.finish();
    while (!def.finished()) {
      d.write(buf, 0, def.deflate(buf));
    }
    def.end();
    byte[] gz = HandmadeDeflate.gzip(d.toByteArray(), plain);
    int[] forced = assertEveryOffset(gz);
    assertTrue(forced[0] > 0 && forced[1] > 0, "BFINAL bits forced in read_in and in the input");
  }

  @Test
  void severalMembersOfSeveralBlocksSplitAtEveryOffset() throws IOException {
    byte[] a = GzipTestData.mixed(3000, 5);
    byte[] b = GzipTestData.text(2000, 6);
    byte[] gz =
        concat(gzipFlushed(a, 700), concat(gzipFlushed(new byte[0], 1), gzipFlushed(b, 500)));
    assertArrayEquals(concat(a, b), GzipTestData.gunzip(gz, GzipDecoder.JDK));
    assertEveryOffset(gz);
  }

  @Test
  void fixedBlockWithLengths286And287OrDistances30And31AfterASkippedBlock() throws IOException {
    // A non-final dynamic block with complete codes (skipped by the checker), then a fixed block:
    // 'a' is 00110000 + 'a' (8 bits), 286 and 287 are 11000110 and 11000111, 257 is 0000001, a
    // distance is its 5-bit number.
    for (int sym : new int[] {286, 287}) {
      HandmadeDeflate d =
          firstBlock().bits(1, 1).bits(1, 2).code(0x30 + 'a', 8).code(0xc0 + sym - 280, 8);
      assertIsalAloneRefuses(d.bytes());
      assertSameOutcomeEveryOffset(
          HandmadeDeflate.gzip(d.bytes(), "abbaa".getBytes(StandardCharsets.US_ASCII)));
      assertBothRefuse(d.bytes(), "invalid literal/length code");
    }
    for (int dist : new int[] {30, 31}) {
      HandmadeDeflate d =
          firstBlock().bits(1, 1).bits(1, 2).code(0x30 + 'a', 8).code(1, 7).code(dist, 5);
      d.code(0, 7);
      assertIsalAloneRefuses(d.bytes());
      assertSameOutcomeEveryOffset(
          HandmadeDeflate.gzip(d.bytes(), "abbaa".getBytes(StandardCharsets.US_ASCII)));
      assertBothRefuse(d.bytes(), "invalid distance code");
    }
  }

  @Test
  void degenerateCodesInALaterBlock() throws IOException {
    // A single one-bit distance code: its code 0 is fine, the bit 1 is no code.
    HandmadeDeflate good = firstBlock().dynamic(false, LIT4, lens(1, 0, 1));
    good.lit('a').lit(257).dist(0).lit(256);
    good.dynamic(true, LIT4, DIST2).lit('b').lit(256);
    byte[] plain = "abbaaaaab".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(plain, GzipTestData.gunzip(gz(good, plain), GzipDecoder.JDK));
    assertSameOutcomeEveryOffset(gz(good, plain));

    HandmadeDeflate unused = firstBlock().dynamic(false, LIT4, lens(1, 0, 1));
    unused.lit('a').lit(257).bits(1, 1).lit(256).dynamic(true, LIT4, DIST2).lit(256);
    assertBothRefuse(unused.bytes(), "invalid distance code");
    assertSameOutcomeEveryOffset(gz(unused, plain));

    // An empty distance code: literals are fine, a length has no distance to go with it.
    HandmadeDeflate empty = firstBlock().dynamic(false, LIT4, lens(1));
    empty.lit('a').lit(257).bits(0, 1).lit(256).dynamic(true, LIT4, DIST2).lit(256);
    assertBothRefuse(empty.bytes(), "invalid distance code");
    assertSameOutcomeEveryOffset(gz(empty, plain));

    // A literal/length code with only end-of-block (one bit): the bit 1 is no code.
    HandmadeDeflate eobOnly = firstBlock().dynamic(false, lens(257, 256, 1), lens(1)).lit(256);
    eobOnly.dynamic(true, LIT4, DIST2).lit('b').lit(256);
    byte[] abbab = "abbab".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(abbab, GzipTestData.gunzip(gz(eobOnly, abbab), GzipDecoder.JDK));
    assertSameOutcomeEveryOffset(gz(eobOnly, abbab));
    HandmadeDeflate eobBad = firstBlock().dynamic(false, lens(257, 256, 1), lens(1)).bits(1, 1);
    eobBad.bits(0, 16);
    assertBothRefuse(eobBad.bytes(), "invalid literal/length code");
  }

  @Test
  void aBadHeaderAfterASkippedBlockIsZlibsError() throws IOException {
    // An incomplete literal/length code (ISA-L alone would decode the block) after a good block.
    HandmadeDeflate w = firstBlock().dynamic(true, lens(257, 'a', 2, 'b', 2, 256, 2), DIST2);
    w.lit('a').lit(256);
    assertBothRefuse(w.bytes(), "invalid literal/lengths set");
    assertSameOutcomeEveryOffset(gz(w, "abbaa".getBytes(StandardCharsets.US_ASCII)));
    // Block type 3 after a good block.
    HandmadeDeflate t = firstBlock().bits(0, 1).bits(3, 2).bits(0, 16);
    assertBothRefuse(t.bytes(), "invalid block type");
    assertSameOutcomeEveryOffset(gz(t, new byte[0]));
  }

  @Test
  void onlyTheRealFinalBlockEndsTheMember() throws IOException {
    // Every block is non-final: the "trailer" is then read as deflate data by both decoders.
    HandmadeDeflate w = firstBlock().dynamic(false, LIT4, DIST2).lit('a').lit(256);
    byte[] plain = "abbaa".getBytes(StandardCharsets.US_ASCII);
    assertSameOutcomeEveryOffset(gz(w, plain));
    // With a final block at the end, the same blocks decode.
    w.dynamic(true, LIT4, DIST2).lit('b').lit(256);
    byte[] whole = "abbaab".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(whole, GzipTestData.gunzip(gz(w, whole), GzipDecoder.ISAL));
    assertSameOutcomeEveryOffset(gz(w, whole));
  }

  /** A non-final dynamic block with complete codes ("ab", then "ba" copied at distance 2). */
  private static HandmadeDeflate firstBlock() {
    return new HandmadeDeflate()
        .dynamic(false, LIT4, DIST2)
        .lit('a')
        .lit('b')
        .lit('b')
        .lit('a')
        .lit(256);
  }

  private static byte[] gz(HandmadeDeflate w, byte[] plain) {
    return HandmadeDeflate.gzip(w.bytes(), plain);
  }

  /** A gzip member whose deflate data has a sync flush every {@code every} bytes. */
  private static byte[] gzipFlushed(byte[] plain, int every) {
    Deflater def = new Deflater(6, true);
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    for (int p = 0; p < plain.length || p == 0; p += every) {
      def.setInput(plain, p, Math.min(every, plain.length - p));
      int n;
      while ((n = def.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
        d.write(buf, 0, n);
      }
      if (plain.length == 0) {
        break;
      }
    }
    def.finish();
    while (!def.finished()) {
      d.write(buf, 0, def.deflate(buf));
    }
    def.end();
    return HandmadeDeflate.gzip(d.toByteArray(), plain);
  }

  private static void assertIsalAloneRefuses(byte[] deflate) {
    // Without the checker, ISA-L refuses these codes itself (its own error, not zlib's message).
    IsalInflateState s = new IsalInflateState(IsalLibrary.shared());
    try {
      s.init();
      s.loadInput(deflate, 0, deflate.length);
      assertThrows(ZipException.class, () -> s.inflate(0, deflate.length, new byte[4096], 0, 4096));
    } finally {
      s.free();
    }
  }

  /** Both decoders throw a ZipException with zlib's {@code message} for this deflate data. */
  private static void assertBothRefuse(byte[] deflate, String message) {
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(deflate, new byte[0]), message);
  }

  private static void assertSameOutcomeEveryOffset(byte[] gz) {
    String jdk = outcome(() -> new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz)));
    for (int cut = 0; cut <= gz.length; cut++) {
      int c = cut;
      String isal = outcome(() -> isal(gz, c, Integer.MAX_VALUE));
      assertEquals(jdk, isal, "split at " + cut);
    }
    assertEquals(jdk, outcome(() -> isal(gz, 0, 1)), "one byte per read");
  }

  /**
   * The ISA-L decoder gives {@code gz}'s data, split into reads at every offset and one byte per
   * read, as the JDK does.
   *
   * @return how many BFINAL bits were forced in read_in and in the input, over all runs
   */
  private static int[] assertEveryOffset(byte[] gz) throws IOException {
    byte[] plain = GzipTestData.gunzip(gz, GzipDecoder.JDK);
    int[] forced = new int[2];
    for (int cut = -1; cut <= gz.length; cut++) {
      try (IsalGzipInputStream s = cut < 0 ? isal(gz, 0, 1) : isal(gz, cut, Integer.MAX_VALUE)) {
        assertArrayEquals(plain, s.readAllBytes(), "split at " + cut);
        forced[0] += s.forcedInReadIn();
        forced[1] += s.forcedInInput();
      }
    }
    return forced;
  }

  /**
   * The ISA-L decoder over {@code gz}, read as {@code cut} bytes first, then {@code step} at a
   * time.
   */
  private static IsalGzipInputStream isal(byte[] gz, int cut, int step) throws IOException {
    return new IsalGzipInputStream(IsalLibrary.shared(), new Chunks(gz, cut, step));
  }

  private interface Opener {
    InputStream open() throws IOException;
  }

  /** "ok " and the bytes, or the exception's class and message. */
  private static String outcome(Opener o) {
    try (InputStream in = o.open()) {
      return "ok " + Arrays.toString(in.readAllBytes());
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Returns {@code cut} bytes on the first read (at most), then at most {@code step} per read. */
  private static final class Chunks extends InputStream {
    private final byte[] data;
    private final int cut;
    private final int step;
    private int pos;

    Chunks(byte[] data, int cut, int step) {
      this.data = data;
      this.cut = cut;
      this.step = step;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int limit = pos < cut ? cut - pos : step;
      int n = Math.min(Math.min(len, limit), data.length - pos);
      if (n == 0) {
        n = Math.min(len, data.length - pos);
      }
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
