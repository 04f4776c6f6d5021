package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandoffOutputStreamTest {
  @Test
  void passesEveryByteInOrderFromOneOtherThread() throws Exception {
    byte[] data = new byte[5 * HandoffOutputStream.CHUNK + 12345];
    new Random(7).nextBytes(data);
    AtomicReference<Thread> writer = new AtomicReference<>();
    ByteArrayOutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            Thread t = writer.getAndSet(Thread.currentThread());
            assertTrue(
                t == null || t == Thread.currentThread(), "downstream written from two threads");
            super.write(b, off, len);
          }
        };
    HandoffOutputStream h = new HandoffOutputStream(sink, "test");
    Random r = new Random(1);
    int pos = 0;
    while (pos < data.length) {
      int n =
          Math.min(
              data.length - pos,
              r.nextInt(3) == 0 ? 1 : r.nextInt(3 * HandoffOutputStream.CHUNK / 2));
      if (n == 1) {
        h.write(data[pos]);
      } else {
        h.write(data, pos, n);
      }
      pos += n;
    }
    h.close();
    h.close(); // idempotent
    assertArrayEquals(data, sink.toByteArray());
    assertTrue(writer.get() != Thread.currentThread());
  }

  @Test
  void rethrowsTheDownstreamFailureItself() throws Exception {
    IOException diskFull = new IOException("No space left on device");
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw diskFull;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw diskFull;
          }
        };
    HandoffOutputStream h = new HandoffOutputStream(failing, "test");
    byte[] chunk = new byte[HandoffOutputStream.CHUNK];
    IOException thrown =
        assertThrows(
            IOException.class,
            () -> {
              for (int i = 0; i < 100; i++) {
                h.write(chunk, 0, chunk.length);
              }
              h.close();
            });
    assertSame(diskFull, thrown);
    h.abandon(); // after a failure: returns without blocking
  }

  @Test
  void abandonStopsTheThreadWithoutWriting() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    HandoffOutputStream h = new HandoffOutputStream(sink, "test-abandon");
    h.write(new byte[100], 0, 100);
    h.abandon();
    for (int i = 0; i < 100 && threadAlive("test-abandon"); i++) {
      Thread.sleep(20);
    }
    assertTrue(!threadAlive("test-abandon"), "worker still running");
    assertEquals(0, sink.size());
    assertThrows(IOException.class, () -> h.write(1));
  }

  @Test
  void givesEachChunkBackToTheSharedPoolOnce() throws Exception {
    for (int len :
        new int[] {0, 10, HandoffOutputStream.CHUNK, 3 * HandoffOutputStream.CHUNK + 1}) {
      HandoffOutputStream h = new HandoffOutputStream(OutputStream.nullOutputStream(), "test");
      h.write(new byte[len]);
      h.close();
      java.util.Set<byte[]> seen =
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (int i = 0; i < 64; i++) {
        assertTrue(
            seen.add(dev.ocisquash.compress.ByteBlocks.take()),
            "a chunk was given back twice, len " + len);
      }
    }
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
