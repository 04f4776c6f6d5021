package dev.ocisquash.bench;

import java.util.Random;

/** Deterministic benchmark inputs, shared so that the compression benchmarks see the same bytes. */
final class BenchData {
  private BenchData() {}

  /**
   * Layer-like bytes: text-ish runs (compress ~3:1, like configs and scripts), repeated binary
   * records (like shared objects' tables) and random stretches (like already-compressed assets), in
   * fixed proportions.
   *
   * @param size bytes to produce
   * @param seed the random seed, so runs compare like with like
   */
  static byte[] layerLike(int size, long seed) {
    byte[] b = new byte[size];
    Random r = new Random(seed);
    String[] words = {
      "usr",
      "lib",
      "share",
      "python3",
      "dist",
      "packages",
      "__init__",
      "def ",
      "return ",
      "import ",
      "self.",
      "0x",
      "\n",
      "    ",
      "{",
      "}",
      "locale",
      "LC_MESSAGES",
      "ELF",
      "\0\0\0\0"
    };
    int i = 0;
    while (i < size) {
      int kind = r.nextInt(10);
      int run = Math.min(size - i, 256 + r.nextInt(8192));
      if (kind < 6) {
        int k = 0;
        while (k < run) {
          byte[] w =
              words[r.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
          int n = Math.min(w.length, run - k);
          System.arraycopy(w, 0, b, i + k, n);
          k += n;
        }
      } else if (kind < 8) {
        byte[] rec = new byte[24];
        r.nextBytes(rec);
        for (int k = 0; k < run; k++) {
          b[i + k] = (byte) (rec[k % rec.length] + (k / 240));
        }
      } else {
        byte[] rnd = new byte[run];
        r.nextBytes(rnd);
        System.arraycopy(rnd, 0, b, i, run);
      }
      i += run;
    }
    return b;
  }
}
