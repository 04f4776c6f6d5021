package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.TempFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool gives back exactly the bytes appended, whatever the sizes (around its write buffer and
 * read window), the order of the reads, the threads reading, and reads between appends.
 */
class SpoolTest {
  @TempDir Path dir;

  /** A piece of content: where the spool put it and what it holds (never compared). */
  @SuppressWarnings("ArrayRecordComponent")
  private record Piece(long offset, byte[] bytes) {}

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** Sizes around every boundary of the buffers: empty, tiny, window steps, over 1 MiB. */
  private static List<Integer> sizes(Random r) {
    List<Integer> s = new ArrayList<>();
    int[] edges = {
      0,
      1,
      511,
      Spool.MIN_AHEAD - 1,
      Spool.MIN_AHEAD,
      Spool.MIN_AHEAD + 1,
      Spool.MAX_AHEAD - 1,
      Spool.MAX_AHEAD,
      Spool.WRITE_BUFFER + 3,
      3 * Spool.WRITE_BUFFER + 17
    };
    for (int e : edges) {
      s.add(e);
    }
    for (int i = 0; i < 3000; i++) {
      s.add(r.nextInt(8) == 0 ? r.nextInt(200_000) : r.nextInt(3000));
    }
    Collections.shuffle(s, r);
    return s;
  }

  private static List<Piece> fill(Spool spool, Random r) throws IOException {
    List<Piece> pieces = new ArrayList<>();
    byte[] scratch = new byte[64 << 10];
    long expected = 0;
    for (int n : sizes(r)) {
      byte[] b = bytes(r, n);
      long off = spool.append(new ByteArrayInputStream(b), n, scratch);
      assertEquals(expected, off, "offsets are the bytes appended before");
      expected += n;
      pieces.add(new Piece(off, b));
    }
    assertEquals(expected, spool.size());
    return pieces;
  }

  /** Reads a piece back in chunks of {@code chunk} bytes, as ContentStore does. */
  private static byte[] readBack(Spool spool, Piece p, int chunk) throws IOException {
    byte[] out = new byte[p.bytes().length];
    int done = 0;
    while (done < out.length) {
      int n = spool.read(p.offset() + done, out, done, Math.min(chunk, out.length - done));
      assertTrue(n > 0, "read returned " + n + " inside the spooled bytes");
      done += n;
    }
    return out;
  }

  @Test
  void readsInOrderOutOfOrderAndBackwardsGiveTheAppendedBytes() throws IOException {
    Random r = new Random(1);
    try (Spool spool = new Spool(dir, new TempFiles(), "out.tar")) {
      List<Piece> pieces = fill(spool, r);
      for (Piece p : pieces) {
        assertArrayEquals(p.bytes(), readBack(spool, p, 64 << 10));
      }
      List<Piece> reversed = new ArrayList<>(pieces);
      Collections.reverse(reversed);
      for (Piece p : reversed) {
        assertArrayEquals(p.bytes(), readBack(spool, p, 7000));
      }
      List<Piece> shuffled = new ArrayList<>(pieces);
      Collections.shuffle(shuffled, r);
      for (Piece p : shuffled) {
        assertArrayEquals(p.bytes(), readBack(spool, p, 1 + r.nextInt(100_000)));
      }
    }
  }

  @Test
  void readsBetweenAppendsSeeEverythingAppendedSoFar() throws IOException {
    Random r = new Random(2);
    byte[] scratch = new byte[4096];
    try (Spool spool = new Spool(dir, new TempFiles(), "out.tar")) {
      List<Piece> pieces = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        byte[] b = bytes(r, r.nextInt(5000));
        pieces.add(new Piece(spool.append(new ByteArrayInputStream(b), b.length, scratch), b));
        // the newest piece (still in the write buffer) and an older one (maybe in a read window)
        Piece newest = pieces.get(pieces.size() - 1);
        assertArrayEquals(newest.bytes(), readBack(spool, newest, 1000));
        Piece old = pieces.get(r.nextInt(pieces.size()));
        assertArrayEquals(old.bytes(), readBack(spool, old, 1000));
      }
      byte[] past = new byte[10];
      assertEquals(-1, spool.read(spool.size(), past, 0, past.length), "past the end");
    }
  }

  @Test
  void threadsReadingAtOnceEachGetTheirBytes() throws Exception {
    Random r = new Random(3);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Spool spool = new Spool(dir, new TempFiles(), "out.tar")) {
      List<Piece> pieces = fill(spool, r);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<Piece> mine = new ArrayList<>(pieces);
        Collections.shuffle(mine, new Random(t));
        // two threads read in order (their windows fill ahead), two out of order
        List<Piece> order = t < 2 ? pieces : mine;
        results.add(
            pool.submit(
                () -> {
                  for (Piece p : order) {
                    if (!java.util.Arrays.equals(p.bytes(), readBack(spool, p, 32 << 10))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get(), "a thread read other bytes than were appended");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeDeletesTheFile() throws IOException {
    Spool spool = new Spool(dir, new TempFiles(), "out.tar");
    spool.append(new ByteArrayInputStream(new byte[100]), 100, new byte[10]);
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
    spool.close();
    try (var files = Files.list(dir)) {
      assertFalse(files.findAny().isPresent());
    }
  }
}
