import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.ocisquash.compress.DeterministicGzipOutputStream;
import dev.ocisquash.compress.GzipEncoder;
import dev.ocisquash.compress.ParallelGzipOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One-off comparison of gzip encoders reachable from Java on this machine, used to choose the layer encoder
 * (results in benchmarks/README.md). Run from the repository root after a build that compiled core's tests
 * ({@code ./mvnw -B test-compile -pl core}): the single-stream baseline, DeterministicGzipOutputStream, lives in
 * core's test sources because no production code writes gzip that way.
 *
 * <pre>
 * java -cp core/target/classes:core/target/test-classes:$HOME/.m2/repository/net/java/dev/jna/jna/5.17.0/jna-5.17.0.jar \
 *     benchmarks/encoders/GzipEncoders.java INPUT.tar [OUT_DIR]
 * </pre>
 *
 * Prints encoder, threads, seconds, MB/s and output/input ratio. "parallel-gzip-isal-LN" is
 * ParallelGzipOutputStream with the ISA-L encoder, whose gzip levels 1 / 6 / 9 are ISA-L levels 1 / 2 / 3 (N);
 * it is skipped when libisal.so.2 does not load. "parallel-gzip-libdeflate" is the shipped libdeflate encoder (one
 * gzip member per MiB); "libdeflate-jna-multimember" is the first experiment, which called libdeflate through JNA on
 * independent 128 KiB blocks, each its own gzip member (libdeflate has no dictionary or sync-flush API, and always
 * sets BFINAL on its last block), which is the only way to use it for a parallel, byte-aligned layout without
 * re-parsing its Huffman output.
 */
public class GzipEncoders {
  /** The subset of libdeflate's C API used here (size_t is 64-bit on the machines we run on). */
  public interface LibDeflate extends Library {
    Pointer libdeflate_alloc_compressor(int level);

    long libdeflate_gzip_compress(Pointer c, byte[] in, long inN, byte[] out, long outAvail);

    long libdeflate_deflate_compress(Pointer c, byte[] in, long inN, byte[] out, long outAvail);

    void libdeflate_free_compressor(Pointer c);
  }

  static final int BLOCK = 128 * 1024;

  public static void main(String[] args) throws Exception {
    byte[] in = Files.readAllBytes(Path.of(args[0]));
    Path outDir = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
    LibDeflate ld = null;
    try {
      ld = Native.load("deflate", LibDeflate.class);
    } catch (UnsatisfiedLinkError e) {
      System.out.println("# libdeflate not loadable: " + e.getMessage());
    }
    boolean isal = true;
    try {
      new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 6, 1, null, GzipEncoder.ISAL).close();
    } catch (java.io.IOException e) {
      isal = false;
      System.out.println("# " + e.getMessage());
    }
    System.out.println("encoder,level,threads,seconds,MBps,ratio");
    for (int rep = 0; rep < 2; rep++) { // first round warms the JIT; both printed, use the second
      run("jdk-deflater-single-stream", 6, 1, in, outDir, o -> new DeterministicGzipOutputStream(o, 6));
      for (int level : new int[] {1, 6}) {
        for (int t : new int[] {1, 2}) {
          final int lv = level;
          final int th = t;
          run("parallel-gzip-jdk", level, t, in, outDir, o -> new ParallelGzipOutputStream(o, lv, th));
        }
      }
      if (isal) {
        // gzip levels 1, 6 and 9 are the three ISA-L levels the encoder maps to.
        for (int[] lv : new int[][] {{1, 1}, {6, 2}, {9, 3}}) {
          for (int t : new int[] {1, 2}) {
            final int th = t;
            run(
                "parallel-gzip-isal-L" + lv[1],
                lv[0],
                t,
                in,
                outDir,
                o -> new ParallelGzipOutputStream(o, lv[0], th, null, GzipEncoder.ISAL));
          }
        }
      }
      if (ld != null) {
        // The shipped encoder: ParallelGzipOutputStream with 1 MiB libdeflate members.
        for (int level : new int[] {1, 4, 6}) {
          for (int t : new int[] {1, 2}) {
            final int lv = level;
            final int th = t;
            run(
                "parallel-gzip-libdeflate",
                level,
                t,
                in,
                outDir,
                o -> new ParallelGzipOutputStream(o, lv, th, null, GzipEncoder.LIBDEFLATE));
          }
        }
        for (int level : new int[] {1, 6}) {
          for (int t : new int[] {1, 2}) {
            libdeflate(ld, level, t, in, outDir);
          }
        }
      }
    }
  }

  interface Opener {
    OutputStream open(OutputStream o) throws Exception;
  }

  static void run(String name, int level, int threads, byte[] in, Path outDir, Opener opener) throws Exception {
    Path out = outDir.resolve(name + "-" + level + "-" + threads + ".gz");
    long t0 = System.nanoTime();
    try (OutputStream o = opener.open(new FileOutputStream(out.toFile()))) {
      for (int i = 0; i < in.length; i += 1 << 20) {
        o.write(in, i, Math.min(1 << 20, in.length - i));
      }
    }
    report(name, level, threads, t0, in.length, Files.size(out));
  }

  static void libdeflate(LibDeflate ld, int level, int threads, byte[] in, Path outDir) throws Exception {
    Path out = outDir.resolve("libdeflate-" + level + "-" + threads + ".gz");
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    try (OutputStream o = new FileOutputStream(out.toFile())) {
      List<Future<byte[]>> pending = new ArrayList<>();
      for (int off = 0; off < in.length || off == 0; off += BLOCK) {
        final int from = off;
        final int n = Math.min(BLOCK, in.length - off);
        pending.add(
            ex.submit(
                () -> {
                  Pointer c = ld.libdeflate_alloc_compressor(level);
                  try {
                    byte[] src = java.util.Arrays.copyOfRange(in, from, from + n);
                    byte[] dst = new byte[n + n / 8 + 1024];
                    long k = ld.libdeflate_gzip_compress(c, src, n, dst, dst.length);
                    return java.util.Arrays.copyOf(dst, (int) k);
                  } finally {
                    ld.libdeflate_free_compressor(c);
                  }
                }));
        if (pending.size() >= 3 * threads) {
          o.write(pending.remove(0).get());
        }
        if (in.length == 0) {
          break;
        }
      }
      for (Future<byte[]> f : pending) {
        o.write(f.get());
      }
    } finally {
      ex.shutdown();
    }
    report("libdeflate-jna-multimember", level, threads, t0, in.length, Files.size(out));
  }

  static void report(String name, int level, int threads, long t0, long inLen, long outLen) {
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s,%d,%d,%.2f,%.0f,%.4f%n", name, level, threads, s, inLen / 1e6 / s, (double) outLen / inLen);
  }
}
