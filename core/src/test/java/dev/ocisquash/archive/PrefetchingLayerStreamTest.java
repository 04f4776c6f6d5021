package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PrefetchingLayerStreamTest {
  /** A layer stream over bytes whose finish() can be told to fail like a digest mismatch. */
  static class FakeLayer extends LayerStream {
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

  /** A fake layer that hands its diff_id check over, recording what and where it verified. */
  static final class HandingOver extends FakeLayer {
    final java.security.MessageDigest sha = VerifyingLayerStream.newDigest("SHA-256");
    volatile byte @Nullable [] verifiedHash;
    volatile @Nullable String verifiedOn;
    final @Nullable String mismatch;

    HandingOver(byte[] data, boolean failFinish, @Nullable String mismatch) {
      super(data, failFinish, -1);
      this.mismatch = mismatch;
    }

    @Override
    public DiffIdCheck handOverDiffId() {
      return new DiffIdCheck(
          sha,
          hash -> {
            verifiedHash = hash;
            verifiedOn = Thread.currentThread().getName();
            if (mismatch != null) {
              throw new ImageException(ImageException.Kind.CORRUPT_INPUT, mismatch);
            }
          });
    }
  }

  @Test
  void aHandedOverDiffIdIsHashedOverEveryByteOnAThreadOfItsOwn() throws Exception {
    for (int size :
        new int[] {0, 1, PrefetchingLayerStream.CHUNK, PrefetchingLayerStream.CHUNK * 5 + 17}) {
      byte[] d = data(size);
      HandingOver inner = new HandingOver(d, false, null);
      byte[] got;
      try (PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "h")) {
        got = p.readNBytes(size / 3);
        p.finish();
        assertEquals(size, p.uncompressedBytes());
      }
      assertArrayEquals(java.util.Arrays.copyOf(d, size / 3), got);
      assertArrayEquals(
          VerifyingLayerStream.newDigest("SHA-256").digest(d), inner.verifiedHash, "size " + size);
      assertEquals("ocisquash-diff_id h", inner.verifiedOn);
      assertTrue(inner.closed);
    }
  }

  @Test
  void aDiffIdMismatchFoundByTheHashingThreadSurfacesAtTheConsumer() throws Exception {
    String line = "x.tar: layer 1 (sha256:ab): diff_id mismatch: config says sha256:00";
    HandingOver inner = new HandingOver(data(3 * PrefetchingLayerStream.CHUNK + 5), false, line);
    try (PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "t")) {
      p.readNBytes(100);
      ImageException e = assertThrows(ImageException.class, p::finish);
      assertEquals(line, e.getMessage());
      // and at every later read, not only the first
      assertEquals(line, assertThrows(ImageException.class, () -> p.read()).getMessage());
    }
  }

  @Test
  void theBlobsOwnCheckComesBeforeTheHandedOverDiffId() throws Exception {
    HandingOver inner = new HandingOver(data(2 * PrefetchingLayerStream.CHUNK), true, "diff_id");
    try (PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "t")) {
      ImageException e = assertThrows(ImageException.class, p::finish);
      assertTrue(e.getMessage().contains("blob digest mismatch"), e.getMessage());
    }
    assertNull(inner.verifiedHash, "the diff_id is not checked after the blob failed");
  }

  @Test
  void closingEarlyStopsBothThreads() throws Exception {
    HandingOver inner = new HandingOver(data(20 * PrefetchingLayerStream.CHUNK), false, null);
    PrefetchingLayerStream p = new PrefetchingLayerStream(inner, "early-close");
    p.readNBytes(10);
    p.close();
    assertTrue(inner.closed);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      assertFalse(t.getName().endsWith(" early-close") && t.isAlive(), t.getName());
    }
    assertNull(inner.verifiedHash, "a closed stream checks nothing");
  }
}
