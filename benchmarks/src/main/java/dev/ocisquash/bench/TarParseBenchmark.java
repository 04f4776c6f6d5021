package dev.ocisquash.bench;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import dev.ocisquash.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Header parsing speed of {@link TarReader} on a layer of many small files, where per-entry cost
 * rather than byte copying dominates (a Python or node_modules layer). Score is tars per second;
 * divide into {@link #entries} for entries per second. {@link #commonsCompress} reads the same
 * bytes with commons-compress's {@code TarArchiveInputStream}, the well-kept library ours is
 * weighed against (docs/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TarParseBenchmark {
  /** Number of regular-file entries in the in-memory tar. */
  @Param({"20000"})
  public int entries;

  private byte[] tar;

  /**
   * Builds the tar once: nested directories, files of 0..2 KiB, a few long names that need PAX
   * headers.
   */
  @Setup
  public void setup() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(bos);
    byte[] content = new byte[2048];
    for (int i = 0; i < entries; i++) {
      if (i % 50 == 0) {
        w.putEntry(
            TarEntry.builder(
                    TarEntryType.DIRECTORY, "usr/lib/python3/dist-packages/pkg" + i / 50 + "/")
                .mode(0755)
                .build());
      }
      String name = "usr/lib/python3/dist-packages/pkg" + i / 50 + "/module_" + i + ".py";
      if (i % 100 == 0) {
        name =
            name.replace("module_", "a_module_with_a_really_long_name_that_needs_pax_".repeat(2));
      }
      int size = (i * 37) % content.length;
      w.putEntry(
          TarEntry.builder(TarEntryType.REGULAR, name)
              .mode(0644)
              .size(size)
              .mtime(1700000000L, 0)
              .build());
      w.write(content, 0, size);
      w.closeEntry();
    }
    w.finish();
    tar = bos.toByteArray();
  }

  /**
   * Reads every header and skips the content, like the squash planner's first pass over a layer.
   */
  @Benchmark
  public long headersOnly(Blackhole bh) throws IOException {
    TarReader r = new TarReader(new ByteArrayInputStream(tar), "bench");
    TarEntry e;
    long n = 0;
    while ((e = r.next()) != null) {
      bh.consume(e);
      n++;
    }
    return n;
  }

  /** The same walk with commons-compress: every header read, every content skipped. */
  @Benchmark
  public long commonsCompress(Blackhole bh) throws IOException {
    long n = 0;
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        bh.consume(e);
        n++;
      }
    }
    return n;
  }
}
