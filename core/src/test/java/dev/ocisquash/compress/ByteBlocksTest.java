package dev.ocisquash.compress;

import static dev.ocisquash.compress.GzipTestData.gunzipJdk;
import static dev.ocisquash.compress.GzipTestData.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shared block pool: an array given back twice would be handed to two writers at once and mix
 * their bytes, so every user's give-backs are checked by draining the pool and counting distinct
 * arrays.
 */
class ByteBlocksTest {
  /** Empties the pool and returns whether any array came out twice (it was given back twice). */
  static boolean drainHasDuplicates() {
    Set<byte[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean dup = false;
    for (int i = 0; i < 2 * ByteBlocks.KEPT; i++) {
      byte[] b = ByteBlocks.take();
      dup |= !seen.add(b);
    }
    return dup;
  }

  @Test
  void keepsAtMostItsBoundAndIgnoresForeignArrays() {
    drainHasDuplicates();
    ByteBlocks.give(new byte[10]);
    ByteBlocks.give(null);
    for (int i = 0; i < ByteBlocks.KEPT + 5; i++) {
      ByteBlocks.give(new byte[ByteBlocks.SIZE]);
    }
    Set<byte[]> first = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < ByteBlocks.KEPT + 5; i++) {
      first.add(ByteBlocks.take());
    }
    assertEquals(ByteBlocks.KEPT + 5, first.size(), "fresh arrays once the kept ones are taken");
  }

  @Test
  @Tag("integration") // libdeflate0 (JNA)
  void gzipStreamsGiveEachBlockBackOnceAndShareAPoolCorrectly() throws Exception {
    byte[] data = random(5 * ByteBlocks.SIZE + 777, 3);
    for (int i = 0; i < data.length; i += 3) {
      data[i] = 'a'; // compressible, so libdeflate runs rather than the stored path
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // Two streams on one pool, written in turns, as two layers written at once are.
        try (OutputStream ga = Compressors.gzip(a, 6, 2, GzipEncoder.LIBDEFLATE, pool);
            OutputStream gb = Compressors.gzip(b, 6, 2, GzipEncoder.LIBDEFLATE, pool)) {
          for (int off = 0; off < data.length; off += 100_000) {
            int n = Math.min(100_000, data.length - off);
            ga.write(data, off, n);
            gb.write(data, off, n);
          }
        }
        assertArrayEquals(data, gunzipJdk(a.toByteArray()));
        assertArrayEquals(a.toByteArray(), b.toByteArray());
        assertEquals(false, drainHasDuplicates(), "a block was given back twice");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
