package dev.ocisquash.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocisquash.testing.Proc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Test data and gzip helpers shared by the tests of this package's compressors and decompressors:
 * seeded data makers (the same seed gives the same bytes, which pinned digests rely on),
 * compressing through a stream in writes of a given size, gunzipping with a named decoder, and
 * SHA-256 digests.
 */
final class GzipTestData {
  private GzipTestData() {}

  /** {@code n} random bytes from {@code new Random(seed)}: incompressible. */
  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Line-oriented text with varying numbers, compressible like configuration files and scripts. */
  static byte[] text(int n, long seed) {
    Random r = new Random(seed);
    String[] words = {
      "layer", "image", "manifest", "digest", "sha256", "config", "/usr/lib/", "export ", "if [ -f"
    };
    StringBuilder sb = new StringBuilder(n + 100);
    while (sb.length() < n) {
      sb.append(words[r.nextInt(words.length)])
          .append(r.nextInt(1000))
          .append(r.nextInt(3) == 0 ? '\n' : ' ');
    }
    return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), n);
  }

  /**
   * Alternating text and random stretches of random length, so blocks differ and some use the
   * dictionary.
   */
  static byte[] mixed(int n, long seed) {
    byte[] b = new byte[n];
    Random r = new Random(seed);
    byte[] t = text(8192, seed);
    int i = 0;
    while (i < n) {
      int run = Math.min(n - i, 1 + r.nextInt(6000));
      if (r.nextBoolean()) {
        byte[] rnd = random(run, r.nextLong());
        System.arraycopy(rnd, 0, b, i, run);
      } else {
        for (int k = 0; k < run; k++) {
          b[i + k] = t[(k + i / 3) % t.length];
        }
      }
      i += run;
    }
    return b;
  }

  /** Data of kind {@code k}: 0 {@link #random}, 1 {@link #text}, otherwise {@link #mixed}. */
  static byte[] kind(int k, int size, long seed) {
    return k == 0 ? random(size, seed) : k == 1 ? text(size, seed) : mixed(size, seed);
  }

  /**
   * Compressible but not trivial input: letters a to h drawn from {@code new Random(7)}, each
   * 1000th one shifted by up to 49. Always seed 7, so equal lengths give equal bytes and a shorter
   * one is a prefix of a longer one.
   */
  static byte[] letters(int n) {
    byte[] b = new byte[n];
    Random r = new Random(7);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ("abcdefgh".charAt(r.nextInt(8)) + (i % 1000 == 0 ? r.nextInt(50) : 0));
    }
    return b;
  }

  /**
   * Mixed input of another make than {@link #mixed}: runs of a pangram with, one run in four,
   * random stretches, so blocks differ and some reference the window.
   */
  static byte[] pangramMixed(int n, long seed) {
    byte[] b = new byte[n];
    Random r = new Random(seed);
    int i = 0;
    while (i < n) {
      int run = Math.min(n - i, 1 + r.nextInt(5000));
      if (r.nextInt(4) == 0) {
        byte[] rnd = new byte[run];
        r.nextBytes(rnd);
        System.arraycopy(rnd, 0, b, i, run);
      } else {
        for (int k = 0; k < run; k++) {
          b[i + k] =
              (byte) "the quick brown fox jumps over the lazy dog\n".charAt((k + i / 7) % 44);
        }
      }
      i += run;
    }
    return b;
  }

  /** Opens a compressing stream that writes to {@code sink}. */
  @FunctionalInterface
  interface Opener {
    /** The compressing stream on {@code sink}; closing it finishes the compressed data. */
    OutputStream open(OutputStream sink) throws IOException;
  }

  /**
   * Compresses {@code in} through the stream that {@code opener} opens, in writes of {@code chunk}
   * bytes (the last one shorter; {@code chunk == 1} writes each byte with {@code write(int)}), and
   * returns the compressed bytes. Empty input makes no write call at all.
   */
  static byte[] compress(byte[] in, int chunk, Opener opener) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream g = opener.open(bos)) {
      for (int i = 0; i < in.length; i += chunk) {
        if (chunk == 1) {
          g.write(in[i]);
        } else {
          g.write(in, i, Math.min(chunk, in.length - i));
        }
      }
    }
    return bos.toByteArray();
  }

  /**
   * Gzips {@code in} with {@code new ParallelGzipOutputStream(sink, level, threads, null, encoder)}
   * (its own threads, the given encoder) in writes of {@code chunk} bytes, as {@link #compress}
   * writes.
   */
  static byte[] gzip(byte[] in, int level, int threads, int chunk, GzipEncoder encoder)
      throws IOException {
    return compress(
        in, chunk, sink -> new ParallelGzipOutputStream(sink, level, threads, null, encoder));
  }

  /**
   * Gunzips every member with the JDK's {@link GZIPInputStream} directly, not through {@link
   * Decompressors}.
   */
  static byte[] gunzipJdk(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** The JDK and the ISA-L decoder both throw a ZipException with zlib's {@code message}. */
  static void assertBothRefuse(byte[] gz, String message) {
    ZipException jdk = assertThrows(ZipException.class, () -> gunzip(gz, GzipDecoder.JDK));
    assertEquals(message, jdk.getMessage(), "the JDK's message");
    ZipException isal = assertThrows(ZipException.class, () -> gunzip(gz, GzipDecoder.ISAL));
    assertEquals(message, isal.getMessage(), "the ISA-L decoder's message");
  }

  /** Gunzips every member through {@link Decompressors#gunzip} with the given decoder. */
  static byte[] gunzip(byte[] gz, GzipDecoder decoder) throws IOException {
    try (InputStream in = Decompressors.gunzip(new ByteArrayInputStream(gz), decoder)) {
      return in.readAllBytes();
    }
  }

  /**
   * Gunzips every member through {@link Decompressors#gunzip} with both the JDK and the ISA-L
   * decoder, asserts that they agree, and returns the JDK's bytes.
   */
  static byte[] gunzipJdkAndIsal(byte[] gz) throws IOException {
    byte[] viaJdk = gunzip(gz, GzipDecoder.JDK);
    assertArrayEquals(viaJdk, gunzip(gz, GzipDecoder.ISAL), "ISA-L and JDK decoders disagree");
    return viaJdk;
  }

  /** The SHA-256 of {@code b} in lower-case hex. */
  static String sha256(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /**
   * Asserts, level by level in the order given, that {@link #gzip} of {@code in} at each pinned
   * level (with the given threads, write size and encoder) has the pinned SHA-256; {@code message}
   * gives the failure message for a level.
   */
  @SafeVarargs
  static void assertPinnedSha256(
      byte[] in,
      int threads,
      int chunk,
      GzipEncoder encoder,
      IntFunction<String> message,
      Map.Entry<Integer, String>... levelAndSha256)
      throws Exception {
    for (Map.Entry<Integer, String> pin : levelAndSha256) {
      int level = pin.getKey();
      assertEquals(
          pin.getValue(), sha256(gzip(in, level, threads, chunk, encoder)), message.apply(level));
    }
  }

  /**
   * Asserts that the gzip tool accepts the file {@code gz} ({@code gzip -t}) and decompresses it
   * ({@code gzip -dc}) to bytes with the SHA-256 of {@code in}.
   */
  static void assertGzipToolAccepts(Path gz, byte[] in) throws Exception {
    Proc.of("gzip", "-t", gz.toString()).timeout(60).check();
    assertEquals(sha256(in), sha256(Proc.of("gzip", "-dc", gz.toString()).timeout(60).stdout()));
  }
}
