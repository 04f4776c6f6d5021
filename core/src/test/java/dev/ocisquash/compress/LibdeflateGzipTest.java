package dev.ocisquash.compress;

import static dev.ocisquash.compress.GzipTestData.assertGzipToolAccepts;
import static dev.ocisquash.compress.GzipTestData.assertPinnedSha256;
import static dev.ocisquash.compress.GzipTestData.gunzip;
import static dev.ocisquash.compress.GzipTestData.gunzipJdkAndIsal;
import static dev.ocisquash.compress.GzipTestData.gzip;
import static dev.ocisquash.compress.GzipTestData.mixed;
import static dev.ocisquash.compress.GzipTestData.random;
import static dev.ocisquash.compress.GzipTestData.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libdeflate encoder of {@link ParallelGzipOutputStream} (independent gzip members). CI
 * installs libdeflate0 and libisal2 (.ci/install-deps), so a library that does not load fails these
 * tests instead of skipping them.
 */
@Tag("integration") // libdeflate0, libisal2 (JNA)
class LibdeflateGzipTest {
  private static final int M = ParallelGzipOutputStream.MEMBER_SIZE;

  @BeforeAll
  static void libdeflateIsInstalled() {
    assertNotNull(
        LibdeflateLibrary.shared(),
        "libdeflate must load here (apt-get install libdeflate0): "
            + LibdeflateLibrary.unavailableReason());
  }

  private static byte[] ld(byte[] in, int threads, int chunk) throws IOException {
    return gzip(in, 6, threads, chunk, GzipEncoder.LIBDEFLATE);
  }

  /**
   * Splits a multi-member gzip file into the uncompressed contents of its members, checking each
   * trailer.
   */
  private static List<byte[]> members(byte[] gz) throws DataFormatException {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < gz.length) {
      byte[] header = Arrays.copyOfRange(gz, pos, pos + 10);
      assertArrayEquals(
          ParallelGzipOutputStream.header(header[8]), header, "member header at " + pos);
      Inflater inf = new Inflater(true);
      try {
        inf.setInput(gz, pos + 10, gz.length - pos - 10);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!inf.finished()) {
          int n = inf.inflate(buf);
          assertTrue(n > 0 || !inf.needsInput(), "member at " + pos + " is truncated");
          content.write(buf, 0, n);
        }
        int trailer = gz.length - inf.getRemaining();
        byte[] c = content.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(c);
        assertEquals(crc.getValue(), le32(gz, trailer) & 0xffffffffL, "CRC of member at " + pos);
        assertEquals(c.length, le32(gz, trailer + 4), "ISIZE of member at " + pos);
        out.add(c);
        pos = trailer + 8;
      } finally {
        inf.end();
      }
    }
    return out;
  }

  private static int le32(byte[] b, int i) {
    return (b[i] & 0xff)
        | (b[i + 1] & 0xff) << 8
        | (b[i + 2] & 0xff) << 16
        | (b[i + 3] & 0xff) << 24;
  }

  @Test
  void autoPicksLibdeflateExceptAtTheSpeedLevel() throws IOException {
    for (int level : new int[] {-1, 2, 6, 9}) {
      try (ParallelGzipOutputStream g =
          new ParallelGzipOutputStream(
              new ByteArrayOutputStream(), level, 1, null, GzipEncoder.AUTO)) {
        assertEquals(GzipEncoder.LIBDEFLATE, g.encoder(), "level " + level);
      }
    }
    try (ParallelGzipOutputStream g =
        new ParallelGzipOutputStream(new ByteArrayOutputStream(), 1, 1, null, GzipEncoder.AUTO)) {
      assertEquals(
          GzipEncoder.ISAL, g.encoder(), "level 1 is the speed choice: ISA-L where it loads");
    }
    // libdeflate's output differs from zlib's and ISA-L's: proves the blocks did not silently go
    // elsewhere.
    byte[] in = mixed(3 * M / 2, 1);
    assertFalse(Arrays.equals(ld(in, 1, M), gzip(in, 6, 1, M, GzipEncoder.ZLIB)));
    assertFalse(Arrays.equals(ld(in, 1, M), gzip(in, 6, 1, M, GzipEncoder.ISAL)));
  }

  @Test
  void oneIndependentMemberPerMebibyteAtFixedOffsets() throws Exception {
    int[] sizes = {0, 1, M - 1, M, M + 1, 3 * M + 4321};
    for (int size : sizes) {
      byte[] in = size < 4 * M ? mixed(size, size) : random(size, size);
      byte[] gz = ld(in, 2, 65536);
      List<byte[]> parts = members(gz);
      assertEquals(Math.max(1, (size + M - 1) / M), parts.size(), "members for " + size + " bytes");
      for (int i = 0; i < parts.size(); i++) {
        assertArrayEquals(
            Arrays.copyOfRange(in, i * M, Math.min(size, (i + 1) * M)),
            parts.get(i),
            "member " + i + " of " + size);
      }
      assertArrayEquals(in, gunzipJdkAndIsal(gz), "size=" + size);
    }
  }

  @Test
  void emptyInputIsOneValidMember() throws Exception {
    byte[] gz = ld(new byte[0], 1, 1);
    assertArrayEquals(new byte[0], gunzipJdkAndIsal(gz));
    assertEquals(1, members(gz).size());
  }

  @Test
  void sameBytesForEveryThreadCountAndWriteSplit() throws IOException {
    byte[] in = mixed(3 * M + 777, 2);
    byte[] ref = ld(in, 1, 1 << 20);
    for (int threads : new int[] {1, 2, 3, 8}) {
      for (int chunk : new int[] {7, 4093, M, M + 1}) {
        assertArrayEquals(ref, ld(in, threads, chunk), "threads=" + threads + " chunk=" + chunk);
      }
    }
    assertArrayEquals(ref, ld(in, 2, 1), "write(int)");
    assertArrayEquals(in, gunzipJdkAndIsal(ref));
  }

  @Test
  void workerHistoryDoesNotLeakIntoOutput() throws IOException {
    byte[] in = mixed(2 * M + 5, 3);
    byte[] first = ld(in, 4, M);
    ld(text(3 * M, 9), 4, M);
    assertArrayEquals(first, ld(in, 4, M));
  }

  @Test
  void everyLevelRoundTripsAndLevelZeroIsStored() throws IOException {
    byte[] in = mixed(M + 99, 4);
    for (int level = -1; level <= 9; level++) {
      assertArrayEquals(
          in,
          gunzipJdkAndIsal(gzip(in, level, 2, 100_000, GzipEncoder.LIBDEFLATE)),
          "level=" + level);
    }
    assertArrayEquals(
        gzip(in, 0, 1, M, GzipEncoder.ZLIB), gzip(in, 0, 2, M, GzipEncoder.LIBDEFLATE));
    // XFL says fastest / slowest as zlib's gzip does.
    assertEquals(4, gzip(in, 1, 1, M, GzipEncoder.LIBDEFLATE)[8]);
    assertEquals(2, gzip(in, 9, 1, M, GzipEncoder.LIBDEFLATE)[8]);
  }

  @Test
  void levelMapping() {
    assertEquals(1, LibdeflateMemberCompressor.libdeflateLevel(1));
    assertEquals(3, LibdeflateMemberCompressor.libdeflateLevel(3));
    assertEquals(4, LibdeflateMemberCompressor.libdeflateLevel(4));
    assertEquals(4, LibdeflateMemberCompressor.libdeflateLevel(6));
    assertEquals(4, LibdeflateMemberCompressor.libdeflateLevel(-1));
    assertEquals(7, LibdeflateMemberCompressor.libdeflateLevel(7));
    assertEquals(9, LibdeflateMemberCompressor.libdeflateLevel(9));
  }

  /**
   * Pins libdeflate's bytes at gzip levels 1, 6 and 9 (libdeflate 1, 4 and 9) for libdeflate 1.14
   * (Debian 12's libdeflate0), so that CI on another CPU confirms that the output does not depend
   * on the CPU, and a libdeflate release that changes the output (which would change image digests)
   * is noticed rather than shipped silently.
   */
  @Test
  void bytesArePinned() throws Exception {
    byte[] in = mixed(2 * M + 11, 42);
    String lib = LibdeflateLibrary.shared().file();
    assertPinnedSha256(
        in,
        2,
        M,
        GzipEncoder.LIBDEFLATE,
        level -> "level " + level + " via " + lib,
        Map.entry(1, GOLDEN_LEVEL1),
        Map.entry(6, GOLDEN_LEVEL6),
        Map.entry(9, GOLDEN_LEVEL9));
  }

  private static final String GOLDEN_LEVEL1 =
      "911209cc374cbd7bb84116d4baec1dbc8789e34b5757adebd60760d27b642cc4";
  private static final String GOLDEN_LEVEL6 =
      "1b515c14c935bc243061bf4c956f52fc850d95b80b13b77e5fb3cd3eb2b40f96";
  private static final String GOLDEN_LEVEL9 =
      "28d95d808dcc5cc18edc3647306731746771420db8e2a5e28d62bdb041617be2";

  @Test
  void zlibClassSizeAtTheDefaultLevel() throws IOException {
    // Text-like data, as much of a layer is: libdeflate level 4 in 1 MiB members stays within 2 %
    // of chained
    // zlib -6 and below ISA-L, the members' lost history included. (On real layers it is smaller
    // than Go's
    // gzip, which buildah and docker write; benchmarks/README.md, section 2d.)
    byte[] in = text(4 * M, 5);
    long ld = ld(in, 2, M).length;
    long zlib = gzip(in, 6, 2, M, GzipEncoder.ZLIB).length;
    long isal = gzip(in, 6, 2, M, GzipEncoder.ISAL).length;
    assertTrue(ld * 100 <= zlib * 102, "libdeflate " + ld + " against zlib " + zlib);
    assertTrue(ld < isal, "libdeflate " + ld + " against ISA-L " + isal);
  }

  @Test
  void alreadyCompressedMembersAreStoredAndTheRestCompressed() throws Exception {
    byte[] in = new byte[3 * M + 5];
    byte[] rnd = random(2 * M, 11);
    System.arraycopy(rnd, 0, in, 0, 2 * M);
    byte[] txt = text(M + 5, 12);
    System.arraycopy(txt, 0, in, 2 * M, M + 5);
    byte[] gz = ld(in, 2, 65536);
    int stored = 10 + LibdeflateMemberCompressor.storedSize(M) + 8;
    assertEquals(0, gz[10], "first block of member 0: not final, stored");
    assertEquals(0, gz[stored + 10], "first block of member 1: not final, stored");
    assertTrue(
        gz.length - 2 * stored < M / 2,
        "the text members are compressed: " + (gz.length - 2 * stored));
    List<byte[]> parts = members(gz);
    assertEquals(4, parts.size());
    assertArrayEquals(in, gunzipJdkAndIsal(gz));
  }

  @Test
  void incompressibleIsJudgedByTheByteSpreadOfTheWholeMember() {
    assertTrue(LibdeflateMemberCompressor.looksIncompressible(random(M, 1), M));
    assertFalse(
        LibdeflateMemberCompressor.looksIncompressible(random(M, 1), 60_000), "too short to judge");
    assertFalse(LibdeflateMemberCompressor.looksIncompressible(text(M, 2), M));
    assertFalse(LibdeflateMemberCompressor.looksIncompressible(mixed(M, 3), M));
    // Records with one constant byte in four: a sample stride of 4 would see only the random lanes.
    byte[] records = random(M, 4);
    for (int i = 0; i < M; i += 4) {
      records[i] = 0;
    }
    assertFalse(LibdeflateMemberCompressor.looksIncompressible(records, M));
    // Random bytes from half the alphabet: deflate's Huffman coding saves an eighth.
    byte[] halfAlphabet = random(M, 5);
    for (int i = 0; i < M; i++) {
      halfAlphabet[i] &= 0x7f;
    }
    assertFalse(LibdeflateMemberCompressor.looksIncompressible(halfAlphabet, M));
  }

  @Test
  void gzipToolAcceptsOutput(@TempDir Path dir) throws Exception {
    byte[] in = mixed(2 * M + 4321, 6);
    Path gz = dir.resolve("x.gz");
    Files.write(gz, ld(in, 2, 70000));
    assertGzipToolAccepts(gz, in);
  }

  @Test
  void loaderRejectsMissingAndForeignLibraries() {
    assertTrue(LibdeflateLibrary.tryLoad("/nonexistent/ocisquash/libdeflate.so.0").isEmpty());
    assertTrue(LibdeflateLibrary.tryLoad("ocisquash-no-such-library").isEmpty());
    // A real library without the libdeflate symbols: the self-test must catch the missing
    // functions.
    IOException e = assertThrows(IOException.class, () -> LibdeflateLibrary.load("libz.so.1"));
    assertTrue(
        e.getMessage().contains("libz.so.1") && e.getMessage().contains("self-test"),
        e.getMessage());
    assertNotNull(LibdeflateLibrary.shared());
  }

  @Test
  void describeNamesLibdeflateAndNothingIsMissing() {
    String d = Compressors.describe();
    assertTrue(
        d.startsWith(
            "gzip: libdeflate (libdeflate.so.0) level 6 at libdeflate level 4, independent gzip members of 1 MiB"),
        d);
    assertTrue(d.contains("; level 1: ISA-L"), d);
    assertTrue(
        Compressors.gzipEncoderName().startsWith("libdeflate"), Compressors.gzipEncoderName());
    assertEquals(List.of(), Compressors.missingNativeCodecs());
  }

  private static String probe(String... props) throws Exception {
    return Proc.java(List.of(props), MissingProbe.class).timeout(60).check();
  }

  @Test
  void missingLibdeflateFallsBackToIsalAndSaysSoInOneLine() throws Exception {
    String out = probe("-D" + LibdeflateLibrary.LIBRARY_PROPERTY + "=/nonexistent/libdeflate.so.0");
    assertTrue(out.contains("auto6=ISAL"), out);
    assertTrue(out.contains("roundtrip=true"), out);
    assertTrue(out.contains("gzip: ISA-L"), out);
    List<String> missing = missingLines(out);
    assertEquals(1, missing.size(), out);
    assertEquals(
        "libdeflate is missing (libdeflate.so.0 not found): gzip level 6 is written by ISA-L 2.30"
            + " (libisal.so.2.0.30) instead; install the Debian package libdeflate0",
        missing.get(0));
    assertFalse(out.contains("UnsatisfiedLinkError"), out);
    // Forcing libdeflate fails with a message that says what to install.
    assertTrue(out.contains("libdeflate=IOException"), out);
    assertTrue(out.contains("apt-get install libdeflate0"), out);
  }

  @Test
  void everyMissingLibraryGetsOnePlainLineAndZlibRuns() throws Exception {
    String out =
        probe(
            "-D" + LibdeflateLibrary.LIBRARY_PROPERTY + "=ocisquash-no-such-libdeflate",
            "-D" + IsalLibrary.LIBRARY_PROPERTY + "=ocisquash-no-such-isal");
    assertTrue(out.contains("auto6=ZLIB") && out.contains("auto1=ZLIB"), out);
    assertTrue(out.contains("roundtrip=true"), out);
    List<String> missing = missingLines(out);
    assertEquals(2, missing.size(), out);
    assertTrue(missing.get(0).startsWith("libdeflate is missing (libdeflate.so.0 not found)"), out);
    assertTrue(missing.get(0).endsWith("install the Debian package libdeflate0"), out);
    assertTrue(missing.get(1).startsWith("ISA-L is missing (libisal.so.2 not found)"), out);
    assertTrue(missing.get(1).endsWith("install the Debian package libisal2"), out);
    assertFalse(out.contains("UnsatisfiedLinkError"), out);
  }

  @Test
  void aForeignLibraryIsReportedAsNotUsableWithItsReason() throws Exception {
    String out = probe("-D" + LibdeflateLibrary.LIBRARY_PROPERTY + "=libz.so.1");
    List<String> missing = missingLines(out);
    assertEquals(1, missing.size(), out);
    assertTrue(
        missing.get(0).startsWith("libdeflate is not usable (libz.so.1: self-test failed"), out);
    assertTrue(missing.get(0).endsWith("install the Debian package libdeflate0"), out);
  }

  @Test
  void encoderPropertyZlibKeepsNativeCodeOutAndReportsNothingMissing() throws Exception {
    String out =
        probe(
            "-D" + GzipEncoder.PROPERTY + "=zlib",
            "-D" + LibdeflateLibrary.LIBRARY_PROPERTY + "=/nonexistent/libdeflate.so.0");
    assertTrue(out.contains("auto6=ZLIB"), out);
    assertEquals(List.of(), missingLines(out));
  }

  private static List<String> missingLines(String out) {
    List<String> lines = new ArrayList<>();
    for (String l : out.split("\n", -1)) {
      if (l.startsWith("missing: ")) {
        lines.add(l.substring("missing: ".length()));
      }
    }
    return lines;
  }

  /** Entry point of the child JVM: prints what the process-wide choices resolved to. */
  static final class MissingProbe {
    /**
     * Prints describe(), each missing-codec line, the AUTO encoders, a round trip and what forcing
     * does.
     */
    public static void main(String[] args) throws Exception {
      System.out.println(Compressors.describe());
      for (String line : Compressors.missingNativeCodecs()) {
        System.out.println("missing: " + line);
      }
      byte[] in = mixed(M + 17, 8);
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (ParallelGzipOutputStream g =
          new ParallelGzipOutputStream(bos, 6, 2, null, GzipEncoder.AUTO)) {
        System.out.println("auto6=" + g.encoder());
        g.write(in);
      }
      try (ParallelGzipOutputStream g =
          new ParallelGzipOutputStream(new ByteArrayOutputStream(), 1, 2, null, GzipEncoder.AUTO)) {
        System.out.println("auto1=" + g.encoder());
      }
      byte[] back = gunzip(bos.toByteArray(), GzipDecoder.AUTO);
      System.out.println("roundtrip=" + Arrays.equals(in, back));
      try (OutputStream g =
          Compressors.gzip(new ByteArrayOutputStream(), 6, 1, GzipEncoder.LIBDEFLATE)) {
        System.out.println("libdeflate=opened");
      } catch (IOException e) {
        System.out.println("libdeflate=IOException " + e.getMessage());
      }
    }
  }
}
