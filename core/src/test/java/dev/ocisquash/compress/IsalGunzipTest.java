package dev.ocisquash.compress;

import static dev.ocisquash.compress.GzipTestData.kind;
import static dev.ocisquash.compress.GzipTestData.mixed;
import static dev.ocisquash.compress.GzipTestData.random;
import static dev.ocisquash.compress.GzipTestData.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ISA-L gzip decoder ({@link IsalGzipInputStream}) against the JDK path of {@link
 * Decompressors}: for every input, valid or damaged, both must return the same bytes or both must
 * fail, and truncation must be an {@link EOFException} for both. CI installs libisal2
 * (.ci/install-deps), so a library that does not load fails these tests instead of skipping them.
 */
@Tag("integration") // libisal2 (JNA), pigz, igzip
class IsalGunzipTest {
  @BeforeAll
  static void isalIsInstalled() {
    assertNotNull(
        IsalLibrary.shared(),
        "ISA-L must load here (apt-get install libisal2): " + IsalLibrary.unavailableReason());
  }

  /** How the raw stream hands out its bytes. */
  enum Feed {
    /** As much as asked for (a ByteArrayInputStream). */
    WHOLE,
    /** One byte per read, available() always 0: a slow pipe. */
    ONE_BYTE,
    /** Reads of 1, 7, 13, 4093, 65537, 3 ... bytes in turn, available() always 0. */
    ODD_CHUNKS
  }

  private static final int[] ODD = {1, 7, 13, 4093, 65537, 3, 31, 1024, 77777};

  private static InputStream feed(byte[] data, Feed f) {
    if (f == Feed.WHOLE) {
      return new ByteArrayInputStream(data);
    }
    return new InputStream() {
      private int pos;
      private int turn;

      @Override
      public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (pos >= data.length) {
          return -1;
        }
        int want = f == Feed.ONE_BYTE ? 1 : ODD[turn++ % ODD.length];
        int n = Math.min(Math.min(len, want), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public int available() {
        return 0;
      }
    };
  }

  /** What reading a whole stream gave: the bytes, or the failure. */
  @SuppressWarnings("ArrayRecordComponent") // a decode result, compared field by field
  record Outcome(byte[] data, IOException error) {
    @Override
    public String toString() {
      return error != null ? error.toString() : data.length + " bytes";
    }
  }

  private static Outcome decode(byte[] gz, GzipDecoder decoder, Feed f) {
    try (InputStream in = Decompressors.gunzip(feed(gz, f), decoder)) {
      if (decoder == GzipDecoder.ISAL) {
        assertInstanceOf(IsalGzipInputStream.class, in);
      }
      return new Outcome(in.readAllBytes(), null);
    } catch (IOException e) {
      return new Outcome(null, e);
    }
  }

  /**
   * Asserts that ISA-L and the JDK agree on {@code gz} read through {@code f}, and returns the
   * outcome.
   */
  private static Outcome same(byte[] gz, Feed f, String what) {
    Outcome jdk = decode(gz, GzipDecoder.JDK, f);
    Outcome isal = decode(gz, GzipDecoder.ISAL, f);
    String msg = what + " via " + f + ": JDK " + jdk + ", ISA-L " + isal;
    if (jdk.error == null) {
      assertNull(isal.error, msg);
      assertArrayEquals(jdk.data, isal.data, msg);
    } else {
      assertNotNull(isal.error, msg);
      if (jdk.error instanceof EOFException) {
        assertInstanceOf(EOFException.class, isal.error, msg);
      }
    }
    return isal;
  }

  private static byte[] isalGunzip(byte[] gz, Feed f) throws IOException {
    try (InputStream in = Decompressors.gunzip(feed(gz, f), GzipDecoder.ISAL)) {
      return in.readAllBytes();
    }
  }

  private static byte[] jdkGzip(byte[] in) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
      g.write(in);
    }
    return bos.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.writeBytes(p);
    }
    return bos.toByteArray();
  }

  @Test
  void selfTestPassesOnTheInstalledLibrary() {
    assertNull(IsalGunzipSelfTest.selfTest(IsalLibrary.shared(), mixed(150_000, 3)));
  }

  @Test
  void roundTripsEverySizeAndKind() throws IOException {
    int[] sizes = {0, 1, 31, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 128 * 1024, 5_000_000};
    for (int size : sizes) {
      for (int k = 0; k < 3; k++) {
        byte[] in = kind(k, size, size + k);
        byte[] gz = jdkGzip(in);
        assertArrayEquals(in, isalGunzip(gz, Feed.WHOLE), "size=" + size + " kind=" + k);
        if (size <= 128 * 1024) {
          assertArrayEquals(
              in, isalGunzip(gz, Feed.ODD_CHUNKS), "odd chunks, size=" + size + " kind=" + k);
        }
      }
    }
    byte[] in = mixed(200_000, 9);
    assertArrayEquals(in, isalGunzip(jdkGzip(in), Feed.ONE_BYTE));
  }

  @Test
  void everyReadPatternGivesTheSameBytes() throws IOException {
    byte[] in = mixed(1_500_000, 4);
    byte[] gz =
        concat(
            jdkGzip(Arrays.copyOf(in, 700_000)),
            jdkGzip(Arrays.copyOfRange(in, 700_000, in.length)));
    // read(): through the internal buffer only.
    try (InputStream s = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.ISAL)) {
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      for (int b = s.read(); b >= 0; b = s.read()) {
        back.write(b);
      }
      assertArrayEquals(in, back.toByteArray());
      assertEquals(-1, s.read());
      assertEquals(0, s.available());
    }
    // Mixed small and large reads: the internal buffer and the direct path alternate.
    int[] lens = {1, 100, 40_000, 3, 300_000, 17, 65_536, 8192, 1 << 20};
    try (InputStream s = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.ISAL)) {
      byte[] back = new byte[in.length + 10];
      int n = 0;
      for (int i = 0; ; i++) {
        int r = s.read(back, n, Math.min(lens[i % lens.length], back.length - n));
        if (r < 0) {
          break;
        }
        n += r;
      }
      assertEquals(in.length, n);
      assertArrayEquals(in, Arrays.copyOf(back, n));
    }
  }

  @Test
  void skipAvailableAndClose() throws IOException {
    byte[] in = text(400_000, 5);
    byte[] gz = jdkGzip(in);
    InputStream s = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.ISAL);
    assertEquals(0, s.skip(0));
    assertEquals(0, s.skip(-5));
    assertEquals(in[0] & 0xff, s.read());
    assertTrue(s.available() > 0, "bytes decoded with the first read are buffered");
    assertEquals(100_000, s.skip(100_000));
    assertEquals(in[100_001] & 0xff, s.read());
    byte[] rest = s.readAllBytes();
    assertArrayEquals(Arrays.copyOfRange(in, 100_002, in.length), rest);
    assertEquals(0, s.skip(10));
    assertEquals(0, s.read(new byte[5], 0, 0));
    s.close();
    s.close(); // idempotent
    assertThrows(IOException.class, s::read);
    assertThrows(IOException.class, () -> s.read(new byte[10]));
    assertThrows(IOException.class, s::available);

    // skip past the end returns what was there.
    try (InputStream t = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.ISAL)) {
      assertEquals(in.length, t.skip(in.length + 1000L));
      assertEquals(-1, t.read());
    }
  }

  @Test
  void closeClosesTheRawStreamAndIsSafeAgainstAConcurrentRead() throws Exception {
    boolean[] closed = {false};
    InputStream raw =
        new ByteArrayInputStream(jdkGzip(new byte[10])) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    Decompressors.gunzip(raw, GzipDecoder.ISAL).close();
    assertTrue(closed[0]);

    // A prefetching reader may close a stream that its worker thread is still reading: no crash, no
    // hang.
    byte[] gz = jdkGzip(mixed(20_000_000, 6));
    for (int round = 0; round < 5; round++) {
      InputStream s = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.ISAL);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[4096];
                try {
                  while (s.read(buf) >= 0) {
                    // keep decoding
                  }
                } catch (IOException e) {
                  failure.set(e);
                }
              });
      reader.start();
      Thread.sleep(5 + 10 * round);
      s.close();
      reader.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(reader.isAlive());
      if (failure.get() != null) {
        assertTrue(failure.get().getMessage().contains("closed"), failure.get().toString());
      }
    }
  }

  private static byte[] tool(Path dir, byte[] in, String... cmd) throws Exception {
    Path src = dir.resolve("in");
    Files.write(src, in);
    List<String> c = new ArrayList<>(Arrays.asList(cmd));
    c.add("-c");
    c.add(src.toString());
    return Proc.of(c).timeout(60).stdout();
  }

  @Test
  void readsWhatTheUsualToolsWrite(@TempDir Path dir) throws Exception {
    byte[] in = mixed(2_000_000, 7);
    String[][] tools = {
      {"gzip", "-6", "-n"},
      {"gzip", "-1"},
      {"pigz", "-6", "-p", "2"},
      {"pigz", "-1", "-p", "2", "-i"},
      {"igzip", "-1"},
      {"igzip", "-3"},
      {"igzip", "-0"}
    };
    for (String[] t : tools) {
      byte[] gz = tool(dir, in, t);
      assertArrayEquals(in, isalGunzip(gz, Feed.WHOLE), String.join(" ", t));
      assertArrayEquals(in, isalGunzip(gz, Feed.ODD_CHUNKS), String.join(" ", t) + ", odd chunks");
    }
  }

  @Test
  void readsBothOfOurEncoders() throws IOException {
    byte[] in = mixed(9 * ParallelGzipOutputStream.BLOCK_SIZE + 321, 8);
    for (GzipEncoder e : new GzipEncoder[] {GzipEncoder.ZLIB, GzipEncoder.ISAL}) {
      for (int level : new int[] {0, 1, 6, 9}) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream g = Compressors.gzip(bos, level, 2, e)) {
          g.write(in);
        }
        assertArrayEquals(in, isalGunzip(bos.toByteArray(), Feed.WHOLE), e + " level " + level);
      }
    }
  }

  /**
   * A member with a hand-built header: {@code flags} FEXTRA/FNAME/FCOMMENT/FHCRC as given, zlib
   * deflate data.
   */
  private static byte[] member(byte[] data, int flags, boolean goodHcrc) throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 0x12, 0x34, 0x56, 0x78, 2, 3});
    if ((flags & 4) != 0) {
      byte[] extra = "AB\u0004\u0000xyzwhatever".getBytes(StandardCharsets.ISO_8859_1);
      h.write(extra.length);
      h.write(extra.length >>> 8);
      h.writeBytes(extra);
    }
    if ((flags & 8) != 0) {
      h.writeBytes("layer.tar\0".getBytes(StandardCharsets.ISO_8859_1));
    }
    if ((flags & 16) != 0) {
      h.writeBytes("a comment, quite long ".repeat(20).getBytes(StandardCharsets.ISO_8859_1));
      h.write(0);
    }
    if ((flags & 2) != 0) {
      CRC32 c = new CRC32();
      c.update(h.toByteArray());
      int v = (int) c.getValue() ^ (goodHcrc ? 0 : 1);
      h.write(v);
      h.write(v >>> 8);
    }
    Deflater d = new Deflater(6, true);
    try (DeflaterOutputStream z = new DeflaterOutputStream(h, d)) {
      z.write(data);
    } finally {
      d.end();
    }
    CRC32 c = new CRC32();
    c.update(data);
    int crc = (int) c.getValue();
    int n = data.length;
    return concat(
        h.toByteArray(),
        new byte[] {(byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24)},
        new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
  }

  @Test
  void headerFlags() throws IOException {
    byte[] data = text(50_000, 10);
    for (int flags = 0; flags < 32; flags++) {
      byte[] gz = member(data, flags, true);
      for (Feed f : Feed.values()) {
        assertArrayEquals(data, same(gz, f, "flags " + flags).data(), "flags " + flags + " " + f);
      }
    }
    // Reserved flag bits are ignored by both.
    byte[] reserved = member(data, 0xe0 | 8, true);
    assertArrayEquals(data, same(reserved, Feed.WHOLE, "reserved bits").data());
    // A wrong header CRC on the first member is an error for both.
    for (Feed f : Feed.values()) {
      Outcome o = same(member(data, 2 | 8, false), f, "bad FHCRC");
      assertInstanceOf(ZipException.class, o.error());
      assertEquals("Corrupt GZIP header", o.error().getMessage());
    }
  }

  @Test
  void notGzipAndEmptyInput() {
    for (Feed f : Feed.values()) {
      Outcome empty = same(new byte[0], f, "empty");
      assertInstanceOf(EOFException.class, empty.error());
      Outcome notGzip =
          same("hello, world, this is text".getBytes(StandardCharsets.US_ASCII), f, "text");
      assertEquals("Not in GZIP format", notGzip.error().getMessage());
      Outcome method =
          same(new byte[] {0x1f, (byte) 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 3, 0}, f, "method 7");
      assertEquals("Unsupported compression method", method.error().getMessage());
    }
  }

  @Test
  void multiMember() throws IOException {
    byte[] a = mixed(300_000, 11);
    byte[] b = text(70_000, 12);
    byte[] empty = jdkGzip(new byte[0]);
    byte[][] files = {
      concat(jdkGzip(a), jdkGzip(b)),
      concat(jdkGzip(a), empty, jdkGzip(b)),
      concat(empty, jdkGzip(a), member(b, 8 | 16, true)),
      concat(empty, empty),
      concat(jdkGzip(new byte[] {1}), empty, jdkGzip(new byte[] {2, 3})),
    };
    byte[][] expected = {
      concat(a, b), concat(a, b), concat(a, b), new byte[0], new byte[] {1, 2, 3}
    };
    for (int i = 0; i < files.length; i++) {
      for (Feed f : Feed.values()) {
        if (f == Feed.ONE_BYTE && files[i].length > 200_000) {
          continue; // about one native call per byte; the small files cover this feed
        }
        assertArrayEquals(
            expected[i], same(files[i], f, "file " + i).data(), "file " + i + " " + f);
      }
    }
  }

  @Test
  void truncationIsEofExceptionAtEveryKindOfCut() throws IOException {
    byte[] data = mixed(200_000, 13);
    byte[] gz = member(data, 8 | 2, true);
    int headerLen = 10 + "layer.tar\0".length() + 2;
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i <= headerLen + 3; i++) {
      cuts.add(i); // empty, inside and just after the header
    }
    for (int i = 1; i < 40; i++) {
      cuts.add(headerLen + (gz.length - headerLen - 8) * i / 40); // inside the deflate data
    }
    for (int i = 8; i >= 1; i--) {
      cuts.add(gz.length - i); // inside the trailer
    }
    for (int cut : cuts) {
      byte[] t = Arrays.copyOf(gz, cut);
      for (Feed f : new Feed[] {Feed.WHOLE, Feed.ODD_CHUNKS}) {
        Outcome o = same(t, f, "cut at " + cut + " of " + gz.length);
        assertInstanceOf(EOFException.class, o.error(), "cut at " + cut + " " + f);
      }
    }
    // Byte by byte around the member end, where ISA-L keeps the last bytes in its bit buffer (a
    // small member: one
    // native call per input byte).
    byte[] small = member(mixed(6_000, 22), 0, true);
    for (int cut = small.length - 30; cut < small.length; cut++) {
      assertInstanceOf(
          EOFException.class, same(Arrays.copyOf(small, cut), Feed.ONE_BYTE, "cut " + cut).error());
    }
  }

  @Test
  void truncatedSecondMember() throws IOException {
    // Small enough that the JDK holds the whole file in its 64 KiB buffer, where its rule for short
    // tails applies.
    byte[] first = jdkGzip(text(20_000, 14));
    byte[] second = member(text(30_000, 15), 8, true);
    int secondHeader = 10 + "layer.tar\0".length();
    byte[] both = concat(first, second);
    for (int cut = first.length; cut < both.length; cut++) {
      int tail = cut - first.length;
      Outcome o = same(Arrays.copyOf(both, cut), Feed.WHOLE, "cut at " + cut);
      if (tail < secondHeader) {
        // Up to 18 bytes are not looked at; an incomplete header is malformed data after a member:
        // ignored.
        assertNull(o.error(), "a tail of " + tail + " bytes is ignored");
        assertEquals(20_000, o.data().length);
      } else {
        assertInstanceOf(EOFException.class, o.error(), "cut at " + cut);
      }
    }
    // A plain 10-byte header: a tail of 10..18 bytes holds a whole header, yet the JDK does not
    // look at it (it
    // only tries another member with more than 18 bytes left in its buffer), and neither does
    // ISA-L's reader.
    byte[] plain = concat(first, member(text(30_000, 15), 0, true));
    for (int cut = first.length; cut < first.length + 40; cut++) {
      int tail = cut - first.length;
      Outcome o = same(Arrays.copyOf(plain, cut), Feed.WHOLE, "plain, cut at " + cut);
      if (tail <= 18) {
        assertNull(o.error(), "a tail of " + tail + " bytes is ignored");
      } else {
        assertInstanceOf(EOFException.class, o.error(), "plain, cut at " + cut);
      }
    }
  }

  @Test
  void trailingGarbage() throws IOException {
    byte[] data = text(40_000, 16);
    byte[] gz = jdkGzip(data);
    byte[] header = Arrays.copyOf(jdkGzip(new byte[0]), 10);
    byte[][] tails = {
      {0},
      "\n".getBytes(StandardCharsets.US_ASCII),
      new byte[18],
      new byte[19],
      new byte[4096],
      "garbage that is long enough to be looked at".getBytes(StandardCharsets.US_ASCII),
      {0x1f, (byte) 0x8b},
      {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
      concat(header, new byte[30]),
      concat(header, "not deflate data, but long".getBytes(StandardCharsets.US_ASCII)),
      concat(header, new byte[] {3, 0}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
    };
    // None of these tails is a complete header of 18 bytes or fewer, where the JDK's answer would
    // depend on its
    // buffering (see IsalGzipInputStream), so both must agree through every feed.
    for (int i = 0; i < tails.length; i++) {
      byte[] file = concat(gz, tails[i]);
      for (Feed f : Feed.values()) {
        Outcome o = same(file, f, "tail " + i);
        if (o.error() == null) {
          assertArrayEquals(data, o.data(), "tail " + i);
        }
      }
    }
    // Non-gzip data after a member: ignored by both.
    assertArrayEquals(data, same(concat(gz, new byte[4096]), Feed.ODD_CHUNKS, "zeros").data());
  }

  @Test
  void badCrcAndBadSizeAreErrors() throws IOException {
    byte[] gz = jdkGzip(mixed(100_000, 17));
    for (int pos = gz.length - 8; pos < gz.length; pos++) {
      byte[] bad = gz.clone();
      bad[pos] ^= 0x01;
      for (Feed f : new Feed[] {Feed.WHOLE, Feed.ODD_CHUNKS}) {
        Outcome o = same(bad, f, "trailer byte " + pos);
        assertInstanceOf(ZipException.class, o.error());
        assertTrue(
            o.error().getMessage().startsWith("Corrupt GZIP trailer"), o.error().getMessage());
        assertTrue(
            o.error().getMessage().contains(pos < gz.length - 4 ? "CRC32" : "ISIZE"),
            o.error().getMessage());
      }
    }
    // The same checks on the second member of two.
    byte[] two = concat(gz, gz);
    two[two.length - 2] ^= 0x40;
    assertInstanceOf(ZipException.class, same(two, Feed.WHOLE, "second ISIZE").error());
  }

  @Test
  void flippedBytes() throws IOException {
    // Text (dynamic blocks) and random data (stored blocks), so flips land in both kinds.
    byte[] data = concat(text(60_000, 18), random(70_000, 19), text(20_000, 20));
    byte[] gz = member(data, 8, true);
    int errors = 0;
    for (int pos = 0; pos < gz.length; pos += pos < 64 ? 1 : 997) {
      for (int mask : new int[] {0x01, 0x80, 0x5a}) {
        byte[] bad = gz.clone();
        bad[pos] ^= (byte) mask;
        Outcome o = same(bad, Feed.WHOLE, "byte " + pos + " ^ " + mask);
        if (o.error() != null) {
          errors++;
        } else if (pos >= 20) {
          // After the header (MTIME, XFL, OS, name may change freely) any change must be caught.
          assertArrayEquals(
              data, o.data(), "byte " + pos + " ^ " + mask + " decoded to other data");
        }
      }
    }
    assertTrue(errors > 100, errors + " errors");
  }

  /**
   * A member of more than 4 GiB: ISA-L's total_out is 32 bits wide and ISIZE is the size modulo
   * 2^32. Built cheaply from zeros: one sync-flushed deflate block of 1 MiB of zeros, after which
   * the next block (coded with zeros as history) can be repeated as often as wanted, then an empty
   * final block.
   */
  @Test
  void memberOver4GiB() throws IOException {
    int mib = 1 << 20;
    int repeats = 4200;
    byte[] zeros = new byte[mib];
    byte[] buf = new byte[2 * mib];
    Deflater d = new Deflater(1, true);
    byte[] first;
    byte[] next;
    try {
      d.setInput(zeros);
      first = Arrays.copyOf(buf, d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH));
      d.setInput(zeros);
      next = Arrays.copyOf(buf, d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH));
    } finally {
      d.end();
    }
    long total = (long) mib * (repeats + 1);
    CRC32 crc = new CRC32();
    for (int i = 0; i <= repeats; i++) {
      crc.update(zeros);
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    gz.writeBytes(Arrays.copyOf(jdkGzip(new byte[0]), 10));
    gz.writeBytes(first);
    for (int i = 0; i < repeats; i++) {
      gz.writeBytes(next);
    }
    gz.writeBytes(new byte[] {3, 0}); // final fixed-Huffman block holding only end-of-block
    for (long v : new long[] {crc.getValue(), total & 0xffffffffL}) {
      for (int i = 0; i < 4; i++) {
        gz.write((int) (v >>> (8 * i)));
      }
    }
    byte[] bytes = gz.toByteArray();
    long got = 0;
    try (InputStream in = Decompressors.gunzip(new ByteArrayInputStream(bytes), GzipDecoder.ISAL)) {
      byte[] out = new byte[mib];
      for (int n = in.read(out); n >= 0; n = in.read(out)) {
        got += n; // the stream checks CRC32 and ISIZE at the end
      }
    }
    assertEquals(total, got);
    assertTrue(total > 0xffffffffL);
    // And the wrapped ISIZE is still checked.
    bytes[bytes.length - 1] ^= 1;
    try (InputStream in = Decompressors.gunzip(new ByteArrayInputStream(bytes), GzipDecoder.ISAL)) {
      assertThrows(ZipException.class, () -> in.skip(Long.MAX_VALUE));
    }
  }

  @Test
  void decoderSelection() throws IOException {
    byte[] gz = jdkGzip(new byte[] {1, 2, 3});
    try (InputStream in = Decompressors.open(new ByteArrayInputStream(gz), Compression.GZIP)) {
      assertInstanceOf(IsalGzipInputStream.class, in, "AUTO must pick ISA-L where it loads");
    }
    try (InputStream in = Decompressors.open(new ByteArrayInputStream(gz))) {
      assertInstanceOf(IsalGzipInputStream.class, in);
      assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
    }
    try (InputStream in = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.JDK)) {
      assertInstanceOf(GZIPInputStream.class, in);
    }
    assertTrue(
        Decompressors.gzipDecoderName().startsWith("ISA-L"), Decompressors.gzipDecoderName());
    assertTrue(Compressors.describe().contains("; gunzip: ISA-L"), Compressors.describe());
  }

  /** Runs {@link Probe} in a fresh JVM, where the process-wide library search happens anew. */
  private static String probe(String... props) throws Exception {
    return Proc.java(List.of(props), Probe.class).timeout(60).check();
  }

  @Test
  void encoderPropertyZlibSwitchesDecodingToTheJdk() throws Exception {
    String out = probe("-D" + GzipEncoder.PROPERTY + "=zlib");
    assertTrue(out.contains("auto=GZIPInputStream"), out);
    assertTrue(out.contains("roundtrip=true"), out);
    assertTrue(out.contains("gunzip: JDK zlib Inflater"), out);
    assertTrue(
        out.contains("isal=IsalGzipInputStream"), out); // an explicit ISAL request still gets ISA-L
  }

  @Test
  void missingLibraryFallsBackToTheJdk() throws Exception {
    String out = probe("-D" + IsalLibrary.LIBRARY_PROPERTY + "=/nonexistent/libisal.so.2");
    assertTrue(out.contains("auto=GZIPInputStream"), out);
    assertTrue(out.contains("roundtrip=true"), out);
    assertTrue(out.contains("gunzip: JDK zlib Inflater"), out);
    assertTrue(out.contains("isal=IOException") && out.contains("apt-get install libisal2"), out);
  }

  /** Entry point of the child JVM: prints what the default decoder resolved to. */
  static final class Probe {
    /** Prints describe(), the AUTO decoder's class, a round trip, and what forcing ISAL does. */
    public static void main(String[] args) throws Exception {
      System.out.println(Compressors.describe());
      byte[] in = mixed(100_000, 21);
      byte[] gz = jdkGzip(in);
      try (InputStream d = Decompressors.open(new ByteArrayInputStream(gz), Compression.GZIP)) {
        System.out.println("auto=" + d.getClass().getSimpleName());
        System.out.println("roundtrip=" + Arrays.equals(in, d.readAllBytes()));
      }
      try (InputStream d = Decompressors.gunzip(new ByteArrayInputStream(gz), GzipDecoder.ISAL)) {
        System.out.println("isal=" + d.getClass().getSimpleName());
      } catch (IOException e) {
        System.out.println("isal=IOException " + e.getMessage());
      }
    }
  }
}
