package dev.ocisquash.report;

import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.compress.Compression;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Estimates how well uncompressed layers would gzip: deflates (level 6, gzip's default) evenly
 * spread slices of each uncompressed layer that can be read again in place, up to {@link #BUDGET}
 * bytes in all, and returns the compressed to uncompressed ratio of the sample. Layers in a
 * registry are not sampled (that would download them again).
 */
final class CompressionSample {
  /** Bytes sampled at most, over all layers. */
  static final int BUDGET = 16 << 20;

  private static final int SLICE = 256 << 10;

  /** The sample's result: bytes read and bytes they deflate to. */
  record Result(long sampled, long deflated) {
    double ratio() {
      return sampled == 0 ? 1.0 : (double) deflated / sampled;
    }
  }

  private CompressionSample() {}

  static Result of(List<SourceLayer> layers) throws IOException {
    List<SourceLayer> plain = new java.util.ArrayList<>();
    for (SourceLayer l : layers) {
      if (l.compression() == Compression.NONE && l.readsInPlace() && l.blobSize() > 0) {
        plain.add(l);
      }
    }
    if (plain.isEmpty()) {
      return new Result(0, 0);
    }
    long perLayer = Math.max(SLICE, BUDGET / plain.size());
    long sampled = 0;
    long deflated = 0;
    Deflater d = new Deflater(6, true);
    byte[] out = new byte[64 << 10];
    ByteBuffer buf = ByteBuffer.allocate(SLICE);
    try {
      for (SourceLayer l : plain) {
        long size = l.blobSize();
        long want = Math.min(size, perLayer);
        long slices = (want + SLICE - 1) / SLICE;
        long stride = slices <= 1 ? 0 : (size - SLICE) / (slices - 1);
        for (long i = 0; i < slices && sampled < BUDGET; i++) {
          buf.clear();
          long pos = i * stride;
          while (buf.hasRemaining() && l.readRaw(pos + buf.position(), buf) > 0) {
            // fill the slice
          }
          buf.flip();
          if (!buf.hasRemaining()) {
            continue;
          }
          d.reset();
          d.setInput(buf.array(), 0, buf.limit());
          d.finish();
          while (!d.finished()) {
            deflated += d.deflate(out);
          }
          sampled += buf.limit();
        }
      }
    } finally {
      d.end();
    }
    return new Result(sampled, deflated);
  }
}
