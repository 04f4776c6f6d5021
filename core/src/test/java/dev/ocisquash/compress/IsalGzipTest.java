package dev.ocisquash.compress;

import static dev.ocisquash.compress.GzipTestData.assertGzipToolAccepts;
import static dev.ocisquash.compress.GzipTestData.assertPinnedSha256;
import static dev.ocisquash.compress.GzipTestData.gunzipJdk;
import static dev.ocisquash.compress.GzipTestData.gzip;
import static dev.ocisquash.compress.GzipTestData.kind;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ISA-L encoder of {@link ParallelGzipOutputStream}. CI installs libisal2 (.ci/install-deps),
 * so a library that does not load fails these tests instead of skipping them.
 */
@Tag("integration") // libisal2 (JNA)
class IsalGzipTest {
  private static final int B = ParallelGzipOutputStream.BLOCK_SIZE;

  @BeforeAll
  static void isalIsInstalled() {
    assertNotNull(
        IsalLibrary.shared(),
        "ISA-L must load here (apt-get install libisal2): " + IsalLibrary.unavailableReason());
  }

  private static byte[] isal(byte[] in, int threads, int chunk) throws IOException {
    return gzip(in, 6, threads, chunk, GzipEncoder.ISAL);
  }

  @Test
  void forcedIsalReallyUsesIsal() throws IOException {
    try (ParallelGzipOutputStream g =
        new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 1, null, GzipEncoder.ISAL)) {
      assertEquals(GzipEncoder.ISAL, g.encoder());
    }
    try (ParallelGzipOutputStream g =
        new ParallelGzipOutputStream(new ByteArrayOutputStream(), 1, 1, null, GzipEncoder.AUTO)) {
      assertEquals(
          GzipEncoder.ISAL, g.encoder(), "AUTO must pick ISA-L for the speed level where it loads");
    }
    // ISA-L output differs from zlib's: proves the blocks did not silently go through the Deflater.
    byte[] in = mixed(3 * B, 1);
    assertFalse(Arrays.equals(isal(in, 1, B), gzip(in, 6, 1, B, GzipEncoder.ZLIB)));
  }

  @Test
  void roundTripsAroundBlockBoundaries() throws IOException {
    int[] sizes = {0, 1, 2, B - 1, B, B + 1, 2 * B, 2 * B + 1, 11 * B + 4321};
    for (int size : sizes) {
      for (int k = 0; k < 3; k++) {
        byte[] in = kind(k, size, size);
        byte[] gz = isal(in, 2, 65536);
        assertArrayEquals(in, gunzipJdk(gz), "size=" + size + " kind=" + k);
      }
    }
  }

  @Test
  void emptyInputIsAValidGzipMember() throws IOException {
    byte[] gz = isal(new byte[0], 1, 1);
    assertArrayEquals(new byte[0], gunzipJdk(gz));
    assertArrayEquals(
        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, Arrays.copyOf(gz, 10));
  }

  @Test
  void sameBytesForEveryThreadCountAndWriteSplit() throws IOException {
    byte[] in = mixed(9 * B + 777, 2);
    byte[] ref = isal(in, 1, 1 << 20);
    for (int threads : new int[] {1, 2, 4}) {
      for (int chunk : new int[] {1, 7, 4093, B, B + 1, 3 * B - 5}) {
        if (chunk == 1 && threads != 2) {
          continue; // byte-at-a-time is slow; one thread count covers write(int)
        }
        assertArrayEquals(ref, isal(in, threads, chunk), "threads=" + threads + " chunk=" + chunk);
      }
    }
    assertArrayEquals(in, gunzipJdk(ref));
  }

  @Test
  void workerHistoryDoesNotLeakIntoOutput() throws IOException {
    // Pooled native streams are reused by whichever block comes next; compressing other data first
    // in the same
    // process (and on the same pooled contexts of a new stream) must not change the bytes.
    byte[] in = mixed(4 * B + 5, 3);
    byte[] first = isal(in, 4, B);
    isal(random(6 * B, 9), 4, B);
    assertArrayEquals(first, isal(in, 4, B));
  }

  @Test
  void everyLevelRoundTrips() throws IOException {
    byte[] in = mixed(2 * B + 99, 4);
    for (int level = -1; level <= 9; level++) {
      assertArrayEquals(
          in, gunzipJdk(gzip(in, level, 2, 100_000, GzipEncoder.ISAL)), "level=" + level);
    }
    // Level 0 is stored by zlib for both encoders.
    assertArrayEquals(gzip(in, 0, 1, B, GzipEncoder.ZLIB), gzip(in, 0, 2, B, GzipEncoder.ISAL));
  }

  @Test
  void levelMapping() {
    assertEquals(1, IsalBlockCompressor.isalLevel(1));
    assertEquals(2, IsalBlockCompressor.isalLevel(2));
    assertEquals(2, IsalBlockCompressor.isalLevel(5));
    assertEquals(2, IsalBlockCompressor.isalLevel(6));
    assertEquals(2, IsalBlockCompressor.isalLevel(-1));
    assertEquals(3, IsalBlockCompressor.isalLevel(7));
    assertEquals(3, IsalBlockCompressor.isalLevel(9));
  }

  /**
   * Pins the bytes of gzip levels 1 and 6 (ISA-L 1 and 2) for one input. The docs claim these
   * levels give the same bytes on every x86-64 CPU with SSE4.2 (AVX-512 here; SSE4.2, AVX and AVX2
   * were checked under qemu), so CI on another CPU generation must see the same hashes; a new
   * libisal or struct layout that changes them shows up here. Level 7..9 (ISA-L 3) is deliberately
   * not pinned: it differs between AVX2 and AVX-512.
   */
  @Test
  void defaultLevelBytesArePinned() throws Exception {
    byte[] in = mixed(6 * B + 11, 42);
    String lib = IsalLibrary.shared().file();
    assertPinnedSha256(
        in,
        2,
        B,
        GzipEncoder.ISAL,
        level -> "gzip level " + level + " via " + lib,
        Map.entry(1, GOLDEN_LEVEL1),
        Map.entry(6, GOLDEN_LEVEL6));
  }

  private static final String GOLDEN_LEVEL1 =
      "ad613ef4cf99db62a900853c63e2f63ce1d71308fbcc7097fcea3b2c55137b5f";
  private static final String GOLDEN_LEVEL6 =
      "599ccbb1a57593cdcd9a28c20d1fb1a7594a20f5108a37be692cb661f558bd73";

  @Test
  void compressibleTextCompressesWell() throws IOException {
    byte[] in = text(8 * B, 5);
    int n = isal(in, 2, B).length;
    assertTrue(n * 3 < in.length, "ratio " + (double) in.length / n);
  }

  @Test
  void gzipToolAcceptsOutput(@TempDir Path dir) throws Exception {
    byte[] in = mixed(7 * B + 4321, 6);
    Path gz = dir.resolve("x.gz");
    Files.write(gz, isal(in, 2, 70000));
    assertGzipToolAccepts(gz, in);
  }

  @Test
  void zlibEncoderIsTheUnchangedDefaultOfTheOldConstructors() throws IOException {
    byte[] in = mixed(5 * B + 3, 7);
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream g = new ParallelGzipOutputStream(old, 6, 2)) {
      assertEquals(GzipEncoder.ZLIB, g.encoder());
      g.write(in);
    }
    assertArrayEquals(old.toByteArray(), gzip(in, 6, 2, 4096, GzipEncoder.ZLIB));
    ByteArrayOutputStream viaFactory = new ByteArrayOutputStream();
    try (OutputStream g = Compressors.gzip(viaFactory, 6, 1, GzipEncoder.ZLIB)) {
      g.write(in);
    }
    assertArrayEquals(old.toByteArray(), viaFactory.toByteArray());
  }

  @Test
  void loaderRejectsMissingAndForeignLibraries() {
    assertTrue(IsalLibrary.tryLoad("/nonexistent/ocisquash/libisal.so.2").isEmpty());
    assertTrue(IsalLibrary.tryLoad("ocisquash-no-such-library").isEmpty());
    // A real library without the ISA-L symbols: the self-test must catch the missing functions.
    IOException e = assertThrows(IOException.class, () -> IsalLibrary.load("libz.so.1"));
    assertTrue(e.getMessage().contains("libz.so.1"), e.getMessage());
    // None of that changed the process-wide choice.
    assertNotNull(IsalLibrary.shared());
  }

  @Test
  void loaderFindsTheInstalledLibraryByItsVersionedName() {
    IsalLibrary lib = IsalLibrary.tryLoad("libisal.so.2").orElseThrow();
    assertTrue(lib.label().startsWith("ISA-L"), lib.label());
    assertTrue(lib.file().contains("libisal.so.2"), lib.file());
  }

  @Test
  void describeNamesIsal() {
    assertTrue(
        Compressors.describe()
            .contains("; level 1: ISA-L 2.30 (libisal.so.2.0.30) at ISA-L level 1,"),
        Compressors.describe());
    assertTrue(Compressors.describe().contains("; gunzip: ISA-L"), Compressors.describe());
    assertTrue(
        Compressors.gzipEncoderName(GzipEncoder.AUTO, 1).startsWith("ISA-L"),
        Compressors.gzipEncoderName(GzipEncoder.AUTO, 1));
    assertTrue(
        Compressors.gzipEncoderName(GzipEncoder.ISAL).startsWith("ISA-L"),
        Compressors.gzipEncoderName(GzipEncoder.ISAL));
  }

  /**
   * Runs {@link FallbackProbe} in a fresh JVM, where the process-wide library search happens anew.
   */
  private static String probe(String... props) throws Exception {
    return Proc.java(List.of(props), FallbackProbe.class).timeout(60).check();
  }

  @Test
  void autoFallsBackToZlibWhenTheLibraryOverrideIsMissing() throws Exception {
    // Without libdeflate too, or AUTO would take it: this is the no-native-library fallback.
    String out =
        probe(
            "-D" + IsalLibrary.LIBRARY_PROPERTY + "=/nonexistent/libisal.so.2",
            "-D" + LibdeflateLibrary.LIBRARY_PROPERTY + "=/nonexistent/libdeflate.so.0");
    assertTrue(out.contains("auto=ZLIB"), out);
    assertTrue(out.contains("roundtrip=true"), out);
    assertTrue(out.contains("gzip: JDK zlib Deflater"), out);
    assertTrue(out.contains("ISA-L is missing (libisal.so.2 not found)"), out);
    // Forcing ISA-L then fails with a message that says what to install.
    assertTrue(out.contains("isal=IOException"), out);
    assertTrue(out.contains("libisal.so.2") && out.contains("apt-get install libisal2"), out);
  }

  @Test
  void encoderPropertyDisablesIsal() throws Exception {
    String out = probe("-D" + GzipEncoder.PROPERTY + "=zlib");
    assertTrue(out.contains("default=ZLIB"), out);
    assertTrue(out.contains("auto=ZLIB"), out);
    assertTrue(out.contains("isal=opened"), out); // an explicit ISAL request still gets ISA-L
    assertTrue(out.contains("native encoders disabled by " + GzipEncoder.PROPERTY), out);
  }

  @Test
  void libraryOverrideToTheRealFileLoadsIt() throws Exception {
    String file = IsalLibrary.shared().file();
    // libdeflate kept out, so that AUTO at the default level shows which ISA-L loaded.
    String out =
        probe(
            "-D" + IsalLibrary.LIBRARY_PROPERTY + "=" + file,
            "-D" + LibdeflateLibrary.LIBRARY_PROPERTY + "=/nonexistent/libdeflate.so.0");
    assertTrue(out.contains("auto=ISAL"), out);
  }

  /** Entry point of the child JVM: prints what the process-wide choice resolved to. */
  static final class FallbackProbe {
    /**
     * Prints describe(), the AUTO and default encoders, a round trip, and what forcing ISAL does.
     */
    public static void main(String[] args) throws Exception {
      System.out.println(Compressors.describe());
      Compressors.missingNativeCodecs().forEach(System.out::println);
      byte[] in = mixed(2 * B + 17, 8);
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (ParallelGzipOutputStream g =
          new ParallelGzipOutputStream(bos, 6, 2, null, GzipEncoder.AUTO)) {
        System.out.println("auto=" + g.encoder());
        g.write(in);
      }
      System.out.println("roundtrip=" + Arrays.equals(in, gunzipJdk(bos.toByteArray())));
      OutputStream d = Compressors.gzip(new ByteArrayOutputStream(), 6, 1);
      System.out.println("default=" + ((ParallelGzipOutputStream) d).encoder());
      d.close();
      try (OutputStream g = Compressors.gzip(new ByteArrayOutputStream(), 6, 1, GzipEncoder.ISAL)) {
        System.out.println("isal=opened");
      } catch (IOException e) {
        System.out.println("isal=IOException " + e.getMessage());
      }
    }
  }
}
