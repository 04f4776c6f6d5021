package dev.ocisquash.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 over 1 MiB buffers, the unit in which layer bytes reach the digest streams; every output
 * byte is hashed twice (diff_id and digest), so this bounds the pipeline too. Score is MiB per
 * second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class Sha256Benchmark {
  private byte[] buf;
  private MessageDigest md;

  /** Creates the buffer and the digest. */
  @Setup
  public void setup() throws NoSuchAlgorithmException {
    buf = BenchData.layerLike(1 << 20, 7);
    md = MessageDigest.getInstance("SHA-256");
  }

  /** Hashes one 1 MiB buffer. */
  @Benchmark
  public byte[] sha256OneMiB() {
    md.update(buf, 0, buf.length);
    return md.digest();
  }
}
