package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefetchingLayerStreamTest {
  /** A layer stream over bytes whose finish() can be told to fail like a digest mismatch. */
  static final class FakeLayer extends LayerStream {
    final ByteArrayInputStream in;
    final boolean failFinish;
    final int failAfter;
    long read;
    boolean closed;

    FakeLayer(byte[] data, boolean failFinish, int failAfter) {
      this.in = new ByteArrayInputStream(data);
      this.failFinish = failFinish;
      this.failAfter = failAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (failAfter >= 0 && read >= failAfter) {
        throw new ImageException(
            ImageException.Kind.CORRUPT_INPUT, "x.tar: layer 1: truncated gzip stream");
      }
      int n = in.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    }

    @Override
    public void finish() throws IOException {
      if (failFinish) {
        throw new ImageException(
            ImageException.Kind.CORRUPT_INPUT, "x.tar: layer 1: blob digest mismatch");
      }
    }

    @Override
    public long uncompressedBytes() {
      return read;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static byte[] data(int n) {
    byte[] d = new byte[n];
    new Random(n).nextBytes(d);
    return d;
  }

  @Test
  void passesEveryByteInOrderWhateverTheReadSizes() throws Exception {
    for (int size :
        new int[] {
          0,
          1,
          PrefetchingLayerStream.CHUNK - 1,
          PrefetchingLayerStream.CHUNK,
          PrefetchingLayerStream.CHUNK * 5 + 17
        }) {
      byte[] d = data(size);
      FakeLayer inner = new FakeLayer(d, false, -1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "t")) {
        byte[] buf = new byte[7919];
        Random r = new Random(1);
        for (int n; (n = p.read(buf, 0, 1 + r.nextInt(buf.length))) >= 0; ) {
          out.write(buf, 0, n);
        }
        p.finish();
        assertEquals(size, p.uncompressedBytes());
      }
      assertArrayEquals(d, out.toByteArray(), "size " + size);
      assertTrue(inner.closed);
    }
  }

  @Test
  void verificationFailureSurfacesAtFinish() throws Exception {
    FakeLayer inner = new FakeLayer(data(3 * PrefetchingLayerStream.CHUNK), true, -1);
    try (PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "t")) {
      p.readNBytes(100);
      ImageException e = assertThrows(ImageException.class, p::finish);
      assertTrue(e.getMessage().contains("digest mismatch"));
    }
  }

  @Test
  void readErrorSurfacesAtTheConsumer() throws Exception {
    FakeLayer inner =
        new FakeLayer(data(4 * PrefetchingLayerStream.CHUNK), false, PrefetchingLayerStream.CHUNK);
    try (PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "t")) {
      ImageException e = assertThrows(ImageException.class, () -> p.readAllBytes());
      assertTrue(e.getMessage().contains("truncated"));
    }
  }

  @Test
  void closingEarlyStopsTheWorker() throws Exception {
    FakeLayer inner = new FakeLayer(data(20 * PrefetchingLayerStream.CHUNK), false, -1);
    PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "t");
    p.readNBytes(10);
    p.close();
    assertTrue(inner.closed);
  }
}
