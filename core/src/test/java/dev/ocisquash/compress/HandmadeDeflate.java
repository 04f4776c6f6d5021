package dev.ocisquash.compress;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * Writes deflate blocks by hand, with whatever code lengths a test asks for, complete or not: what
 * no encoder writes. Dynamic headers send every code length as its own code-length symbol (no
 * repeat codes), with a code-length code of 4-bit codes for the symbols 0..15 unless a test gives
 * its own.
 */
final class HandmadeDeflate {
  private static final int[] ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private long bitBuf;
  private int bitCount;

  private int[] litCodes;
  private int[] litLens;
  private int[] distCodes;
  private int[] distLens;

  /** Writes {@code n} bits of {@code value}, least significant first. */
  HandmadeDeflate bits(int value, int n) {
    for (int i = 0; i < n; i++) {
      bitBuf |= (long) ((value >>> i) & 1) << bitCount;
      if (++bitCount == 8) {
        out.write((int) bitBuf);
        bitBuf = 0;
        bitCount = 0;
      }
    }
    return this;
  }

  /** Writes a Huffman code: its most significant bit first. */
  HandmadeDeflate code(int code, int len) {
    for (int i = len - 1; i >= 0; i--) {
      bits((code >>> i) & 1, 1);
    }
    return this;
  }

  /**
   * Starts a dynamic block with the 4-bit code-length code for 0..15.
   *
   * @param lit literal/length code lengths (257 to 286 of them)
   * @param dist distance code lengths (1 to 30)
   */
  HandmadeDeflate dynamic(boolean last, int[] lit, int[] dist) {
    int[] cl = new int[19];
    for (int s = 0; s < 16; s++) {
      cl[s] = 4;
    }
    return dynamic(last, lit, dist, cl);
  }

  /**
   * Starts a dynamic block with the given code-length code, which must give a code to every length
   * used.
   */
  HandmadeDeflate dynamic(boolean last, int[] lit, int[] dist, int[] cl) {
    bits(last ? 1 : 0, 1).bits(2, 2);
    bits(lit.length - 257, 5).bits(dist.length - 1, 5).bits(19 - 4, 4);
    for (int s : ORDER) {
      bits(cl[s], 3);
    }
    int[] clCodes = canonical(cl);
    for (int[] lens : new int[][] {lit, dist}) {
      for (int l : lens) {
        if (cl[l] == 0) {
          throw new IllegalArgumentException("no code-length code for " + l);
        }
        code(clCodes[l], cl[l]);
      }
    }
    litLens = lit;
    litCodes = canonical(lit);
    distLens = dist;
    distCodes = canonical(dist);
    return this;
  }

  /**
   * Writes literal/length symbol {@code s} (no extra bits are written: use lengths 3..10, symbols
   * 257..264).
   */
  HandmadeDeflate lit(int s) {
    if (litLens[s] == 0) {
      throw new IllegalArgumentException("no code for literal/length " + s);
    }
    code(litCodes[s], litLens[s]);
    return this;
  }

  /** Writes distance symbol {@code s} (no extra bits: use distances 1..4, symbols 0..3). */
  HandmadeDeflate dist(int s) {
    if (distLens[s] == 0) {
      throw new IllegalArgumentException("no code for distance " + s);
    }
    code(distCodes[s], distLens[s]);
    return this;
  }

  /** The deflate bytes, the last one padded with zero bits. */
  byte[] bytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(out.toByteArray());
    if (bitCount > 0) {
      b.write((int) bitBuf);
    }
    return b.toByteArray();
  }

  /** A gzip member of {@code deflate} whose trailer matches {@code plain}. */
  static byte[] gzip(byte[] deflate, byte[] plain) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    b.writeBytes(deflate);
    CRC32 crc = new CRC32();
    crc.update(plain);
    for (long v : new long[] {crc.getValue(), plain.length}) {
      for (int i = 0; i < 4; i++) {
        b.write((int) (v >>> (8 * i)));
      }
    }
    return b.toByteArray();
  }

  /** Canonical codes (RFC 1951 3.2.2) for the lengths, whether or not they form a complete code. */
  static int[] canonical(int[] lens) {
    int[] count = new int[16];
    for (int l : lens) {
      count[l]++;
    }
    count[0] = 0;
    int[] next = new int[16];
    int code = 0;
    for (int len = 1; len <= 15; len++) {
      code = (code + count[len - 1]) << 1;
      next[len] = code;
    }
    int[] codes = new int[lens.length];
    for (int s = 0; s < lens.length; s++) {
      if (lens[s] != 0) {
        codes[s] = next[lens[s]]++;
      }
    }
    return codes;
  }

  /**
   * Code lengths: {@code n} entries, zero except {@code len} at each symbol of {@code
   * symbolsAndLens} pairs.
   */
  static int[] lens(int n, int... symbolsAndLens) {
    int[] l = new int[n];
    for (int i = 0; i < symbolsAndLens.length; i += 2) {
      l[symbolsAndLens[i]] = symbolsAndLens[i + 1];
    }
    return l;
  }
}
