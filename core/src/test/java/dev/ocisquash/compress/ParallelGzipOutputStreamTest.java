package dev.ocisquash.compress;

import static dev.ocisquash.compress.GzipTestData.compress;
import static dev.ocisquash.compress.GzipTestData.gunzipJdk;
import static dev.ocisquash.compress.GzipTestData.pangramMixed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelGzipOutputStreamTest {
  private static final int B = ParallelGzipOutputStream.BLOCK_SIZE;

  /**
   * Gzips {@code in} with the old constructor {@code ParallelGzipOutputStream(sink, level,
   * threads)}.
   */
  private static byte[] gzip(byte[] in, int level, int threads, int chunk) throws IOException {
    return compress(in, chunk, sink -> new ParallelGzipOutputStream(sink, level, threads));
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Decodes with an external tool ({@code gzip -dc} or {@code pigz -dc}). */
  private static byte[] gunzipTool(String tool, Path gz) throws Exception {
    return Proc.of(tool, "-dc", gz.toString()).timeout(60).stdout();
  }

  @Test
  void sameBytesForEveryThreadCountAndWriteSize() throws IOException {
    byte[] in = pangramMixed(5 * B + 12345, 1);
    byte[] ref = gzip(in, 6, 1, 1 << 20);
    for (int threads : new int[] {1, 2, 4}) {
      for (int chunk : new int[] {1, 511, B, 3 * B + 7}) {
        if (chunk == 1 && threads != 2) {
          continue; // byte-at-a-time is slow; one thread count is enough to cover write(int)
        }
        assertArrayEquals(
            ref, gzip(in, 6, threads, chunk), "threads=" + threads + " chunk=" + chunk);
      }
    }
    assertArrayEquals(in, gunzipJdk(ref));
  }

  @Test
  void headerIsDeterministicAndTrailerCoversWholeInput() throws IOException {
    byte[] in = pangramMixed(3 * B, 2);
    byte[] gz = gzip(in, 6, 2, 8192);
    assertArrayEquals(
        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, Arrays.copyOf(gz, 10));
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(in);
    long c = crc.getValue();
    int n = gz.length;
    long trailerCrc =
        (gz[n - 8] & 0xffL)
            | (gz[n - 7] & 0xffL) << 8
            | (gz[n - 6] & 0xffL) << 16
            | (gz[n - 5] & 0xffL) << 24;
    long trailerSize =
        (gz[n - 4] & 0xffL)
            | (gz[n - 3] & 0xffL) << 8
            | (gz[n - 2] & 0xffL) << 16
            | (gz[n - 1] & 0xffL) << 24;
    assertEquals(c, trailerCrc);
    assertEquals(in.length, trailerSize);
  }

  @Test
  void emptyInput() throws IOException {
    byte[] gz = gzip(new byte[0], 6, 2, 1);
    assertArrayEquals(new byte[0], gunzipJdk(gz));
    assertArrayEquals(gz, gzip(new byte[0], 6, 1, 1));
  }

  @Test
  void sizesAroundBlockBoundaries() throws IOException {
    byte[] big = pangramMixed(3 * B + 2, 3);
    int[] sizes = {1, B - 1, B, B + 1, 2 * B - 1, 2 * B, 2 * B + 1, 3 * B, 3 * B + 2};
    for (int size : sizes) {
      byte[] in = Arrays.copyOf(big, size);
      byte[] one = gzip(in, 6, 1, 65536);
      assertArrayEquals(one, gzip(in, 6, 4, 65536), "size=" + size);
      assertArrayEquals(in, gunzipJdk(one), "size=" + size);
    }
  }

  @Test
  void everyLevelRoundTrips() throws IOException {
    byte[] in = pangramMixed(2 * B + 99, 4);
    for (int level = -1; level <= 9; level++) {
      assertArrayEquals(in, gunzipJdk(gzip(in, level, 2, 100_000)), "level=" + level);
    }
  }

  @Test
  void ratioCloseToSingleStreamZlib() throws IOException {
    byte[] in = pangramMixed(16 * B, 5);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    try (DeterministicGzipOutputStream g = new DeterministicGzipOutputStream(single, 6)) {
      g.write(in);
    }
    int parallel = gzip(in, 6, 2, 65536).length;
    // The dictionary keeps matches across block boundaries; only the sync markers and per-block
    // Huffman
    // tables cost extra.
    assertTrue(parallel < single.size() * 1.01 + 64, parallel + " vs " + single.size());
  }

  @Test
  void externalGzipAndPigzDecode(@TempDir Path dir) throws Exception {
    byte[] in = pangramMixed(7 * B + 4321, 6);
    Path gz = dir.resolve("x.gz");
    Files.write(gz, gzip(in, 6, 2, 70000));
    boolean any = false;
    for (String tool : new String[] {"gzip", "pigz"}) {
      if (onPath(tool)) {
        any = true;
        assertArrayEquals(in, gunzipTool(tool, gz), tool);
      }
    }
    assertTrue(any, "neither gzip nor pigz on PATH (.ci/install-deps installs both)");
  }

  @Test
  void writeErrorPropagatesAndCloseReleases() throws IOException {
    OutputStream failing =
        new OutputStream() {
          private long written;

          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            if (written > 1000) {
              throw new IOException("disk full");
            }
          }
        };
    byte[] in = pangramMixed(40 * B, 7);
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (ParallelGzipOutputStream g = new ParallelGzipOutputStream(failing, 6, 2)) {
                g.write(in);
              }
            });
    assertTrue(e.getMessage().contains("disk full"), e.toString());
  }

  @Test
  void workerFailurePropagates() throws Exception {
    // An executor that is already shut down rejects the job: the rejection must surface as an
    // IOException
    // from write, not be lost.
    ExecutorService ex = Executors.newSingleThreadExecutor();
    ex.shutdown();
    ParallelGzipOutputStream g =
        new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 2, ex);
    IOException e = assertThrows(IOException.class, () -> g.write(new byte[3 * B]));
    assertThrows(IOException.class, () -> g.write(1));
    assertThrows(IOException.class, g::close);
    assertTrue(
        e.getCause() instanceof java.util.concurrent.RejectedExecutionException, e.toString());
  }

  @Test
  void exceptionInWorkerPropagates() throws Exception {
    // Replaces each job with one that fails the way a worker could, and checks the cause reaches
    // the writer.
    ExecutorService base = Executors.newFixedThreadPool(2);
    ExecutorService ex =
        new java.util.concurrent.AbstractExecutorService() {
          @Override
          protected <T> java.util.concurrent.RunnableFuture<T> newTaskFor(
              java.util.concurrent.Callable<T> c) {
            return new java.util.concurrent.FutureTask<>(
                () -> {
                  throw new IllegalStateException("boom");
                });
          }

          @Override
          public void execute(Runnable r) {
            base.execute(r);
          }

          @Override
          public void shutdown() {}

          @Override
          public java.util.List<Runnable> shutdownNow() {
            return java.util.List.of();
          }

          @Override
          public boolean isShutdown() {
            return false;
          }

          @Override
          public boolean isTerminated() {
            return false;
          }

          @Override
          public boolean awaitTermination(long t, TimeUnit u) {
            return true;
          }
        };
    try {
      IOException e =
          assertThrows(
              IOException.class,
              () -> {
                try (ParallelGzipOutputStream g =
                    new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 2, ex)) {
                  g.write(new byte[2 * B]);
                }
              });
      assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
    } finally {
      base.shutdownNow();
    }
  }

  @Test
  void givenExecutorIsNotShutDown() throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(2);
    try {
      byte[] in = pangramMixed(3 * B, 8);
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (ParallelGzipOutputStream g = new ParallelGzipOutputStream(bos, 6, 2, ex)) {
        g.write(in);
      }
      assertTrue(!ex.isShutdown());
      assertArrayEquals(gzip(in, 6, 1, B), bos.toByteArray());
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void describeNamesTheEncoder() {
    assertTrue(Compressors.describe().contains("gzip"));
  }
}
