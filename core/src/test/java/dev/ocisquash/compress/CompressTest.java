package dev.ocisquash.compress;

import static dev.ocisquash.compress.GzipTestData.compress;
import static dev.ocisquash.compress.GzipTestData.letters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocisquash.testing.Proc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressTest {
  /**
   * Gzips {@code in} with a single-stream {@link DeterministicGzipOutputStream} in writes of {@code
   * chunk} bytes.
   */
  private static byte[] gzip(byte[] in, int level, int chunk) throws IOException {
    return compress(in, chunk, sink -> new DeterministicGzipOutputStream(sink, level));
  }

  /** A stream that never admits to having bytes available, like a pipe between reads. */
  private static InputStream stingy(InputStream in) {
    return stingy(in, -1);
  }

  /**
   * Like {@link #stingy(InputStream)}, and no read crosses {@code boundary}: with a gzip member
   * boundary there, the JDK's GZIPInputStream (before 23) stops after the first member.
   */
  private static InputStream stingy(InputStream in, long boundary) {
    return new FilterInputStream(in) {
      private long pos;

      @Override
      public int available() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = Math.min(len, 1000);
        if (pos < boundary) {
          n = (int) Math.min(n, boundary - pos);
        }
        int r = super.read(b, off, n);
        if (r > 0) {
          pos += r;
        }
        return r;
      }
    };
  }

  @Test
  void deterministicGzip(@TempDir Path dir) throws Exception {
    byte[] in = letters(3_000_000);
    byte[] a = gzip(in, 6, 100_000);
    byte[] b = gzip(in, 6, 100_000);
    assertArrayEquals(a, b);
    // Chunking does not change the output either.
    assertArrayEquals(a, gzip(in, 6, 777));
    assertArrayEquals(a, gzip(in, 6, 5_000_000));
    assertArrayEquals(Arrays.copyOf(a, 8), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0});
    assertEquals((byte) 0xff, a[9]);
    assertEquals(2, gzip(in, 9, 1 << 20)[8]);
    assertEquals(4, gzip(in, 1, 1 << 20)[8]);

    Path f = dir.resolve("x.gz");
    Files.write(f, a);
    assertArrayEquals(in, Proc.of("gzip", "-dc", f.toString()).timeout(30).stdout());

    assertArrayEquals(in, Decompressors.open(new ByteArrayInputStream(a)).readAllBytes());
  }

  @Test
  void singleByteWritesAndEmptyInput() throws Exception {
    byte[] in = letters(70_000);
    assertArrayEquals(gzip(in, 6, 1 << 20), gzip(in, 6, 1));
    byte[] empty = gzip(new byte[0], 6, 1);
    assertArrayEquals(
        new byte[0], Decompressors.open(new ByteArrayInputStream(empty)).readAllBytes());
  }

  @Test
  void multiMemberGzipEvenWhenAvailableIsZero() throws Exception {
    byte[] one = letters(200_000);
    byte[] two = letters(300_000);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(gzip(one, 6, 1 << 20));
    int boundary = both.size();
    try (GZIPOutputStream g = new GZIPOutputStream(both)) {
      g.write(two);
    }
    byte[] expected = new byte[one.length + two.length];
    System.arraycopy(one, 0, expected, 0, one.length);
    System.arraycopy(two, 0, expected, one.length, two.length);
    assertArrayEquals(
        expected, Decompressors.open(new ByteArrayInputStream(both.toByteArray())).readAllBytes());
    assertArrayEquals(
        expected,
        Decompressors.open(stingy(new ByteArrayInputStream(both.toByteArray()))).readAllBytes());
    // The case the JDK gets wrong on its own: a read ends exactly at the member boundary.
    InputStream plain =
        new java.util.zip.GZIPInputStream(
            stingy(new ByteArrayInputStream(both.toByteArray()), boundary));
    if (Runtime.version().feature() < 23) {
      assertEquals(
          one.length,
          plain.readAllBytes().length,
          "JDK-7036144 not reproduced; is the workaround moot?");
    }
    assertArrayEquals(
        expected,
        Decompressors.open(stingy(new ByteArrayInputStream(both.toByteArray()), boundary))
            .readAllBytes());
  }

  @Test
  void truncatedGzipFails() throws Exception {
    byte[] gz = gzip(letters(500_000), 6, 1 << 20);
    for (int cut : new int[] {gz.length / 2, gz.length - 4, 12}) {
      byte[] t = Arrays.copyOf(gz, cut);
      assertThrows(
          IOException.class, () -> Decompressors.open(new ByteArrayInputStream(t)).readAllBytes());
    }
  }

  private static byte[] zstd(byte[] in, int level, int workers) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream z = ZstdCompressingStream.open(bos, level, workers)) {
      z.write(in);
    }
    return bos.toByteArray();
  }

  @Test
  void zstdRoundTripAndDeterminism() throws Exception {
    byte[] in = letters(6_000_000);
    byte[] single = zstd(in, 3, 0);
    assertArrayEquals(single, zstd(in, 3, 0));
    byte[] w1 = zstd(in, 3, 1);
    assertArrayEquals(w1, zstd(in, 3, 2));
    assertArrayEquals(w1, zstd(in, 3, 4));
    assertArrayEquals(in, Decompressors.open(new ByteArrayInputStream(single)).readAllBytes());
    assertArrayEquals(in, Decompressors.open(stingy(new ByteArrayInputStream(w1))).readAllBytes());

    byte[] t = Arrays.copyOf(single, single.length - 10);
    assertThrows(
        IOException.class, () -> Decompressors.open(new ByteArrayInputStream(t)).readAllBytes());
    byte[] t2 = Arrays.copyOf(single, single.length / 2);
    assertThrows(
        IOException.class, () -> Decompressors.open(new ByteArrayInputStream(t2)).readAllBytes());
  }

  /** The zstd command decodes what the multi-threaded encoder writes. */
  @Test
  @Tag("integration") // zstd
  void zstdToolReadsOurOutput(@TempDir Path dir) throws Exception {
    byte[] in = letters(6_000_000);
    Path f = dir.resolve("x.zst");
    Files.write(f, zstd(in, 3, 2));
    assertArrayEquals(in, Proc.of("zstd", "-dcq", f.toString()).timeout(30).stdout());
  }

  @Test
  void plainAndTinyStreamsPassThrough() throws Exception {
    for (byte[] in :
        new byte[][] {new byte[0], {1}, {0x1f}, {0x28, (byte) 0xb5, 0x2f}, letters(1000)}) {
      assertArrayEquals(in, Decompressors.open(new ByteArrayInputStream(in)).readAllBytes());
    }
  }
}
