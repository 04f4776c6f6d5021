package dev.ocisquash.bench;

import dev.ocisquash.compress.Decompressors;
import dev.ocisquash.compress.GzipDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * gzip decoder speed on 4 MiB of layer-like bytes compressed by the JDK at level 6 (what most
 * registries' layers look like): {@link Decompressors#gunzip} with each {@link GzipDecoder} (the
 * ISAL runs fail when libisal.so.2 is missing), read in 1 MiB chunks as the layer prefetcher does,
 * or in 8 KiB chunks. Score is operations per second, one operation being the whole output;
 * multiply by 4 for MiB/s of decompressed data.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GunzipBenchmark {
  static final int SIZE = 4 << 20;

  /** {@link GzipDecoder} name: JDK or ISAL. */
  @Param({"JDK", "ISAL"})
  public GzipDecoder decoder;

  /** Bytes asked for per read. */
  @Param({"1048576", "8192"})
  public int readSize;

  private byte[] gz;
  private byte[] buf;

  /** Compresses the input once. */
  @Setup(Level.Trial)
  public void setup() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
      g.write(BenchData.layerLike(SIZE, 42));
    }
    gz = bos.toByteArray();
    buf = new byte[readSize];
  }

  /** Decompresses the whole stream, discarding the bytes. */
  @Benchmark
  public long gunzip() throws IOException {
    long total = 0;
    try (InputStream in = Decompressors.gunzip(new ByteArrayInputStream(gz), decoder)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
      }
    }
    return total;
  }
}
