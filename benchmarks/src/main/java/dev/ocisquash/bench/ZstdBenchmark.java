package dev.ocisquash.bench;

import dev.ocisquash.compress.ZstdCompressingStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * zstd-jni level 3 through {@link ZstdCompressingStream}, as layers are written, on the same 4 MiB
 * as {@link GzipBenchmark}. Score is operations per second; multiply by 4 for MiB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ZstdBenchmark {
  /** zstd worker threads: 0 compresses on the calling thread. */
  @Param({"0", "2"})
  public int workers;

  private byte[] input;

  /** Creates the input. */
  @Setup
  public void setup() {
    input = BenchData.layerLike(GzipBenchmark.SIZE, 42);
  }

  /** Compresses the whole input at level 3 into a counting sink. */
  @Benchmark
  public long level3() throws IOException {
    GzipBenchmark.CountingSink sink = new GzipBenchmark.CountingSink();
    try (OutputStream z = ZstdCompressingStream.open(sink, 3, workers)) {
      for (int off = 0; off < input.length; off += 1 << 20) {
        z.write(input, off, 1 << 20);
      }
    }
    return sink.count;
  }
}
