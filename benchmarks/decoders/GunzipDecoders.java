import dev.ocisquash.compress.Decompressors;
import dev.ocisquash.compress.GzipDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One-off comparison of gzip decoders on one file: the JDK path and the ISA-L path of {@code Decompressors} (read
 * in 1 MiB chunks, as the layer prefetcher reads, and in 8 KiB chunks), and the command-line tools {@code gzip
 * -dc}, {@code igzip -d -c} and {@code pigz -dc}, whose output is read from a pipe and counted. Results in
 * benchmarks/README.md. Run from
 * the repository root after a build:
 *
 * <pre>
 * java -cp core/target/classes:$HOME/.m2/repository/net/java/dev/jna/jna/5.17.0/jna-5.17.0.jar:\
 * $HOME/.m2/repository/com/github/luben/zstd-jni/1.5.7-6/zstd-jni-1.5.7-6.jar \
 *     benchmarks/decoders/GunzipDecoders.java INPUT.gz [ROUNDS]
 * </pre>
 *
 * Runs every decoder ROUNDS times (default 3) in turn, so that a burst of load from elsewhere hits all of them,
 * and prints decoder, seconds and MB/s (10^6 bytes of decompressed output per second) of each decoder's fastest
 * round as CSV; the other rounds go to stderr.
 */
public class GunzipDecoders {
  public static void main(String[] args) throws Exception {
    Path gz = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long size = java(gz, GzipDecoder.JDK, 1 << 20); // also warms the JIT and loads ISA-L below
    java(gz, GzipDecoder.ISAL, 1 << 20);
    Map<String, Double> best = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      time(best, "jdk-gzipinputstream", () -> java(gz, GzipDecoder.JDK, 1 << 20), size);
      time(best, "isal-stream", () -> java(gz, GzipDecoder.ISAL, 1 << 20), size);
      time(best, "isal-stream-8k-reads", () -> java(gz, GzipDecoder.ISAL, 8192), size);
      time(best, "jdk-gzipinputstream-8k-reads", () -> java(gz, GzipDecoder.JDK, 8192), size);
      time(best, "gzip-dc", () -> tool(gz, "gzip", "-dc"), size);
      time(best, "igzip-d-c", () -> tool(gz, "igzip", "-d", "-c"), size);
      time(best, "pigz-dc", () -> tool(gz, "pigz", "-dc"), size);
    }
    System.out.println("decoder,seconds,MBps");
    for (Map.Entry<String, Double> e : best.entrySet()) {
      System.out.printf("%s,%.3f,%.0f%n", e.getKey(), e.getValue(), size / 1e6 / e.getValue());
    }
  }

  interface Run {
    long run() throws Exception;
  }

  static void time(Map<String, Double> best, String name, Run run, long size) throws Exception {
    long t0 = System.nanoTime();
    long n = run.run();
    double s = (System.nanoTime() - t0) / 1e9;
    if (n != size) {
      throw new IllegalStateException(name + " produced " + n + " bytes, expected " + size);
    }
    System.err.printf("# %s %.3f s%n", name, s);
    best.merge(name, s, Math::min);
  }

  static long java(Path gz, GzipDecoder decoder, int readSize) throws IOException {
    byte[] buf = new byte[readSize];
    long total = 0;
    try (InputStream in = Decompressors.gunzip(Files.newInputStream(gz), decoder)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
      }
    }
    return total;
  }

  /** Runs a tool on the file with its output counted through a pipe (what a consumer of its stdout sees). */
  static long tool(Path gz, String... cmd) throws Exception {
    List<String> c = new java.util.ArrayList<>(List.of(cmd));
    c.add(gz.toString());
    Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long total = 0;
    byte[] buf = new byte[1 << 20];
    try (InputStream in = p.getInputStream()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", c) + " failed");
    }
    return total;
  }
}
