package dev.ocisquash.compress;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.OutputStream;

/** Factory for the zstd layer writer, so the reproducibility-relevant settings live in one place. */
public final class ZstdCompressingStream {
  private ZstdCompressingStream() {}

  /**
   * Opens a zstd stream.
   *
   * <p>Output is a pure function of the input, the level and whether {@code workers} is 0 or not: libzstd's
   * multithreaded mode cuts the input into jobs independently of the thread count, so any {@code workers >= 1}
   * gives the same bytes, which differ from single-threaded ({@code 0}) output. The frame checksum is on: it costs
   * little and lets readers detect corruption that the layer digest would only report after the fact.
   *
   * @param out the target; closing the returned stream ends the frame and closes it
   * @param level zstd level (1..22; 3 is zstd's default)
   * @param workers compression threads; 0 compresses on the calling thread
   */
  public static OutputStream open(OutputStream out, int level, int workers) throws IOException {
    ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(out, level);
    z.setChecksum(true);
    if (workers > 0) {
      z.setWorkers(workers);
    }
    return z;
  }
}
