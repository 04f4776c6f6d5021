package dev.ocisquash.compress;

import static dev.ocisquash.compress.HandmadeDeflate.lens;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ISA-L decodes dynamic blocks whose Huffman codes zlib refuses as incomplete; {@link
 * IsalGzipInputStream} must refuse them as the JDK (zlib) does, with zlib's message ({@link
 * DeflateChecker}). Each stream is handmade ({@link HandmadeDeflate}); where ISA-L is lenient, the
 * test also shows that ISA-L alone decodes it, so the case really exercises the check.
 */
@Tag("integration") // libisal2 (JNA): the unit tier runs without the native codecs
class IsalStrictHuffmanTest {
  private static final byte[] AB = "ab".getBytes(StandardCharsets.US_ASCII);

  /** A complete literal/length code: 'a', 'b', end-of-block and length 3 (257), two bits each. */
  private static final int[] LIT4 = lens(258, 'a', 2, 'b', 2, 256, 2, 257, 2);

  @BeforeAll
  static void isalIsInstalled() {
    assertNotNull(IsalLibrary.shared(), "ISA-L must load here: " + IsalLibrary.unavailableReason());
  }

  @Test
  void incompleteLiteralLengthCode() throws IOException {
    // Three codes of two bits: a quarter of the code space is unused.
    byte[] d =
        new HandmadeDeflate()
            .dynamic(true, lens(257, 'a', 2, 'b', 2, 256, 2), lens(2, 0, 1, 1, 1))
            .lit('a')
            .lit('b')
            .lit(256)
            .bytes();
    assertArrayEquals(AB, isalAlone(d), "ISA-L alone accepts it");
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(d, AB), "invalid literal/lengths set");
  }

  @Test
  void oversubscribedLiteralLengthCode() throws IOException {
    // Three codes of one bit. ISA-L refuses this itself; the message is zlib's all the same.
    int[] lit = lens(257, 'a', 1, 'b', 1, 256, 1);
    byte[] block = new HandmadeDeflate().dynamic(true, lit, lens(2, 0, 1, 1, 1)).bits(0, 8).bytes();
    assertThrows(IOException.class, () -> isalAlone(block));
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(block, AB), "invalid literal/lengths set");
  }

  @Test
  void incompleteDistanceCodeWithTwoCodes() throws IOException {
    byte[] d =
        new HandmadeDeflate()
            .dynamic(true, LIT4, lens(2, 0, 2, 1, 2))
            .lit('a')
            .lit('b')
            .lit(256)
            .bytes();
    assertArrayEquals(AB, isalAlone(d), "ISA-L alone accepts it");
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(d, AB), "invalid distances set");
  }

  @Test
  void incompleteCodeLengthCode() throws IOException {
    // 4-bit codes for the lengths 0..14 only: one sixteenth of the code-length code space is
    // unused.
    int[] cl = new int[19];
    Arrays.fill(cl, 0, 15, 4);
    byte[] d =
        new HandmadeDeflate()
            .dynamic(true, LIT4, lens(2, 0, 1, 1, 1), cl)
            .lit('a')
            .lit('b')
            .lit(256)
            .bytes();
    assertArrayEquals(AB, isalAlone(d), "ISA-L alone accepts it");
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(d, AB), "invalid code lengths set");
  }

  @Test
  void singleOneBitDistanceCodeIsAcceptedByBoth() throws IOException {
    // zlib and Go accept a distance code of one one-bit code; "ab" then a copy of 3 bytes at
    // distance 1.
    byte[] d =
        new HandmadeDeflate()
            .dynamic(true, LIT4, lens(1, 0, 1))
            .lit('a')
            .lit('b')
            .lit(257)
            .dist(0)
            .lit(256)
            .bytes();
    byte[] plain = "abbbb".getBytes(StandardCharsets.US_ASCII);
    byte[] gz = HandmadeDeflate.gzip(d, plain);
    assertArrayEquals(plain, GzipTestData.gunzip(gz, GzipDecoder.JDK));
    assertArrayEquals(plain, GzipTestData.gunzip(gz, GzipDecoder.ISAL));
  }

  @Test
  void singleOneBitLiteralLengthCodeAndEmptyDistanceCodeAreAcceptedByBoth() throws IOException {
    // The literal/length code has only end-of-block (one bit), the distance code nothing: an empty
    // block.
    byte[] d = new HandmadeDeflate().dynamic(true, lens(257, 256, 1), lens(1)).lit(256).bytes();
    byte[] gz = HandmadeDeflate.gzip(d, new byte[0]);
    assertArrayEquals(new byte[0], GzipTestData.gunzip(gz, GzipDecoder.JDK));
    assertArrayEquals(new byte[0], GzipTestData.gunzip(gz, GzipDecoder.ISAL));
  }

  @Test
  void singleTwoBitDistanceCodeIsRefused() throws IOException {
    // The exception is for one code of one bit only.
    byte[] d =
        new HandmadeDeflate().dynamic(true, LIT4, lens(1, 0, 2)).lit('a').lit('b').lit(256).bytes();
    assertArrayEquals(AB, isalAlone(d), "ISA-L alone accepts it");
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(d, AB), "invalid distances set");
  }

  @Test
  void theUnusedCodeOfASingleCodeIsInvalid() throws IOException {
    // With one one-bit distance code, the bit 1 is no code: zlib's "invalid distance code".
    byte[] d =
        new HandmadeDeflate()
            .dynamic(true, LIT4, lens(1, 0, 1))
            .lit('a')
            .lit('b')
            .lit(257)
            .bits(1, 1)
            .lit(256)
            .bytes();
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(d, AB), "invalid distance code");
  }

  @Test
  void fixedBlockCodesWithoutASymbolAreInvalid() throws IOException {
    // Fixed codes (RFC 1951 3.2.6): 'a' is 00110000 + 'a' (8 bits), 286 is 11000110, 257 is
    // 0000001, distance 30
    // is 11110. zlib's fixed tables mark 286, 287, 30 and 31 as invalid codes.
    byte[] len286 =
        new HandmadeDeflate().bits(1, 1).bits(1, 2).code(0x30 + 'a', 8).code(0xc6, 8).bytes();
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(len286, AB), "invalid literal/length code");
    byte[] dist30 =
        new HandmadeDeflate()
            .bits(1, 1)
            .bits(1, 2)
            .code(0x30 + 'a', 8)
            .code(1, 7)
            .code(30, 5)
            .code(0, 7)
            .bytes();
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(dist30, AB), "invalid distance code");
  }

  @Test
  void refusalInALaterBlockAfterGoodData() throws IOException {
    // A good stored block of 60,000 bytes, then the incomplete code: the data before it is no
    // excuse.
    byte[] first = GzipTestData.mixed(60_000, 7);
    HandmadeDeflate w = new HandmadeDeflate().bits(0, 1).bits(0, 2).bits(0, 5);
    w.bits(first.length, 16).bits(~first.length & 0xffff, 16);
    for (byte b : first) {
      w.bits(b & 0xff, 8);
    }
    w.dynamic(true, lens(257, 'a', 2, 'b', 2, 256, 2), lens(2, 0, 1, 1, 1))
        .lit('a')
        .lit('b')
        .lit(256);
    byte[] plain = Arrays.copyOf(first, first.length + 2);
    plain[first.length] = 'a';
    plain[first.length + 1] = 'b';
    GzipTestData.assertBothRefuse(
        HandmadeDeflate.gzip(w.bytes(), plain), "invalid literal/lengths set");
  }

  @Test
  void theFuzzFindingIsRefusedByBoth() throws IOException {
    // crash-f9d0... (GunzipFuzzTest's corpus, which the fuzz target replays too): a dynamic block
    // whose
    // code-length code is incomplete. Its bytes as the deflate data of a member:
    byte[] d;
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/dev/ocisquash/fuzz/GunzipFuzzTestInputs/isalMatchesJdk/crash-f9d02f615da37994265b9b9f26647cd223678618")) {
      d = in.readAllBytes();
    }
    GzipTestData.assertBothRefuse(HandmadeDeflate.gzip(d, new byte[0]), "invalid code lengths set");
  }

  @Test
  void realStreamsPassAndTheWalkEndsWhereZlibDoesForAnySplit() throws IOException {
    Random r = new Random(3);
    for (int level : new int[] {0, 1, 6, 9}) {
      byte[] plain = GzipTestData.mixed(300_000, level);
      Deflater def = new Deflater(level, true);
      def.setInput(plain);
      def.finish();
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!def.finished()) {
        o.write(buf, 0, def.deflate(buf));
      }
      def.end();
      byte[] d = o.toByteArray();
      for (int split : new int[] {1, 7, 4096, 1 << 20}) {
        DeflateChecker c = new DeflateChecker();
        for (int p = 0; p < d.length; ) {
          int n = Math.min(d.length - p, split == 1 ? 1 : 1 + r.nextInt(split));
          c.feed(d, p, n);
          p += n;
        }
        assertNull(c.error(), "level " + level + " split " + split);
        assertEquals(d.length, (c.endBit() + 7) >>> 3, "level " + level + " split " + split);
      }
      assertArrayEquals(
          plain, GzipTestData.gunzip(HandmadeDeflate.gzip(d, plain), GzipDecoder.ISAL));
    }
  }

  /**
   * Raw deflate through ISA-L's {@code isal_inflate} without the checker: what ISA-L alone makes of
   * it.
   */
  private static byte[] isalAlone(byte[] deflate) throws IOException {
    IsalInflateState s = new IsalInflateState(IsalLibrary.shared());
    try {
      s.init();
      s.loadInput(deflate, 0, deflate.length);
      byte[] out = new byte[1 << 16];
      int n = s.inflate(0, deflate.length, out, 0, out.length);
      if (!s.finished()) {
        throw new IOException("ISA-L did not finish");
      }
      return Arrays.copyOf(out, n);
    } finally {
      s.free();
    }
  }
}
