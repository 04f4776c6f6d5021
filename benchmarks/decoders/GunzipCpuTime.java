import dev.ocisquash.compress.Decompressors;
import dev.ocisquash.compress.GzipDecoder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of one decoder of {@code Decompressors.gunzip} on one file held in memory, read in 1 MiB chunks as the
 * layer prefetcher reads: the thread's CPU seconds, which other load on a shared machine disturbs far less than
 * wall time. Prints the decoder, the output bytes, and the fewest CPU seconds of ROUNDS runs with MB/s (10^6
 * bytes of output per CPU second). To compare two builds, run each with its own class path in turn:
 *
 * <pre>
 * java -cp core/target/classes:$(cat /tmp/cp.txt) benchmarks/decoders/GunzipCpuTime.java INPUT.gz ISAL 7
 * </pre>
 *
 * where /tmp/cp.txt is {@code ./mvnw -q -o -pl core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt}.
 */
public class GunzipCpuTime {
  public static void main(String[] args) throws Exception {
    byte[] gz = Files.readAllBytes(Path.of(args[0]));
    GzipDecoder decoder = GzipDecoder.valueOf(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    byte[] buf = new byte[1 << 20];
    double best = Double.MAX_VALUE;
    long total = 0;
    for (int r = 0; r < rounds; r++) {
      long c0 = mx.getCurrentThreadCpuTime();
      total = 0;
      try (InputStream in = Decompressors.gunzip(new ByteArrayInputStream(gz), decoder)) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          total += n;
        }
      }
      best = Math.min(best, (mx.getCurrentThreadCpuTime() - c0) / 1e9);
    }
    System.out.printf("%s,%d bytes,%.3f cpu-s,%.0f MB/s%n", decoder, total, best, total / 1e6 / best);
  }
}
