package dev.ocisquash.bench;

import dev.ocisquash.compress.GzipEncoder;
import dev.ocisquash.compress.ParallelGzipOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * gzip encoder speed on 4 MiB of layer-like bytes: one raw {@link Deflater} over pigz-sized blocks
 * (the per-core ceiling of zlib) and {@link ParallelGzipOutputStream} end to end with each {@link
 * GzipEncoder} (JDK zlib, ISA-L and libdeflate; the native runs fail when libisal.so.2 or
 * libdeflate.so.0 is missing). Score is operations per second, one operation being the whole input;
 * multiply by 4 for MiB/s. LIBDEFLATE writes 1 MiB gzip members, so its 4 MiB input is four
 * members: with 2 threads both cores are busy, as on a real layer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GzipBenchmark {
  static final int SIZE = 4 << 20;

  /** Deflate level. */
  @Param({"1", "6"})
  public int level;

  private byte[] input;
  private byte[] out;
  private Deflater deflater;

  /** Creates the input and a reusable deflater. */
  @Setup(Level.Trial)
  public void setup() {
    input = BenchData.layerLike(SIZE, 42);
    out = new byte[ParallelGzipOutputStream.BLOCK_SIZE * 2];
    deflater = new Deflater(level, true);
  }

  /** Releases the native deflater. */
  @TearDown(Level.Trial)
  public void tearDown() {
    deflater.end();
  }

  /** One thread, 128 KiB blocks with a sync flush each: what one pigz worker does. */
  @Benchmark
  public long deflaterBlocks() {
    long total = 0;
    int b = ParallelGzipOutputStream.BLOCK_SIZE;
    for (int off = 0; off < SIZE; off += b) {
      deflater.reset();
      deflater.setInput(input, off, b);
      int n;
      do {
        n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        total += n;
      } while (n == out.length);
    }
    return total;
  }

  /**
   * Which block encoder the parallel stream uses. A separate state so that only the parallel
   * benchmarks run once per encoder; {@link #deflaterBlocks()} is zlib by definition.
   */
  @State(Scope.Benchmark)
  public static class Encoder {
    /** {@link GzipEncoder} name. */
    @Param({"ZLIB", "ISAL", "LIBDEFLATE"})
    public GzipEncoder encoder;
  }

  /** The whole parallel stream with 1 and 2 threads (this machine has 2 cores). */
  @Benchmark
  public long parallelGzip1(Encoder e) throws IOException {
    return parallel(1, e.encoder);
  }

  /** See {@link #parallelGzip1(Encoder)}. */
  @Benchmark
  public long parallelGzip2(Encoder e) throws IOException {
    return parallel(2, e.encoder);
  }

  private long parallel(int threads, GzipEncoder encoder) throws IOException {
    CountingSink sink = new CountingSink();
    try (OutputStream g = new ParallelGzipOutputStream(sink, level, threads, null, encoder)) {
      for (int off = 0; off < SIZE; off += 1 << 20) {
        g.write(input, off, 1 << 20);
      }
    }
    return sink.count;
  }

  /** Discards bytes but counts them, so the benchmark measures compression, not I/O. */
  static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
