package dev.ocisquash.compress;

import java.util.Arrays;

/**
 * One Huffman code of a deflate block, built from its code lengths for {@link DeflateChecker}:
 * zlib's acceptance rule ({@link #acceptable}) and a lookup table that gives, for the next {@link
 * #ROOT_LIT} (literal/length) or {@link #ROOT_DIST} (distance) bits of the stream, how many bits
 * the next symbol takes (code and extra bits) and what kind of symbol it is. The checker never
 * needs a symbol's value, only where it ends, so runs of literals whose codes fit in the root bits
 * share one entry, ending with a length or end-of-block code when that fits too.
 *
 * <p>Codes longer than the root bits are decoded one bit at a time ({@link #decodeSlow}, zlib's
 * puff.c way): they are the rare symbols of a block.
 */
final class DeflateCode {
  static final int ROOT_LIT = 10;
  static final int ROOT_DIST = 8;

  /**
   * Entry kinds, in bits 8..11 of an entry; bits 0..7 are the bits the entry's symbols take. A
   * literal/length entry below {@link #EOB} is literals (with a length code after them when {@link
   * #LEN} is set): the walk's common case takes it without a branch on its kind. A distance entry
   * is below 256 unless it is special.
   */
  static final int LIT = 0;

  static final int LEN = 1 << 8;
  static final int EOB = 2 << 8;
  static final int SLOW = 4 << 8;
  static final int BAD = 8 << 8;

  /**
   * Extra bits of length symbols 257..285; 286 and 287 (only in fixed blocks) are invalid codes.
   */
  private static final int[] LEN_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };

  /** Extra bits of distance symbols 0..29; 30 and 31 (only in fixed blocks) are invalid codes. */
  private static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };

  /** The fixed codes of RFC 1951 3.2.6: 288 literal/length codes, 32 distance codes of 5 bits. */
  static final DeflateCode FIXED_LIT;

  static final DeflateCode FIXED_DIST;

  static {
    int[] lens = new int[288];
    Arrays.fill(lens, 0, 144, 8);
    Arrays.fill(lens, 144, 256, 9);
    Arrays.fill(lens, 256, 280, 7);
    Arrays.fill(lens, 280, 288, 8);
    FIXED_LIT = new DeflateCode(true);
    FIXED_LIT.build(lens, 0, 288);
    Arrays.fill(lens, 0, 32, 5);
    FIXED_DIST = new DeflateCode(false);
    FIXED_DIST.build(lens, 0, 32);
  }

  private final boolean lit;
  private final int root;

  /** The lookup table: 1 << root entries. */
  final int[] table;

  /**
   * Per table index, the code length of the single symbol there (packing works on these); 99 for
   * long codes.
   */
  private final int[] single;

  private final int[] singleLen;
  private final int[] count = new int[16];
  private final int[] symbols = new int[288];
  private final int[] next = new int[16];

  DeflateCode(boolean lit) {
    this.lit = lit;
    root = lit ? ROOT_LIT : ROOT_DIST;
    table = new int[1 << root];
    single = lit ? new int[1 << root] : table;
    singleLen = new int[1 << root];
  }

  /**
   * zlib's check of a set of code lengths ({@code inflate_table} in inftrees.c, madler/zlib
   * d201f04): an over-subscribed set is refused; an empty one is accepted (using it is an error
   * later); an incomplete one is refused, except, for the literal/length and distance codes (not
   * the code-length code), a single code of one bit.
   *
   * @param codeLengthCode whether this is the code-length code of a dynamic header (zlib's {@code
   *     CODES})
   */
  static boolean acceptable(int[] lens, int off, int n, boolean codeLengthCode) {
    int[] count = new int[16];
    int max = 0;
    for (int i = off; i < off + n; i++) {
      count[lens[i]]++;
      max = Math.max(max, lens[i]);
    }
    if (max == 0) {
      return true;
    }
    int left = 1;
    for (int len = 1; len <= 15; len++) {
      left = (left << 1) - count[len];
      if (left < 0) {
        return false;
      }
    }
    return left == 0 || (!codeLengthCode && max == 1);
  }

  /**
   * Whether {@code lens[off, off + n)} is a complete prefix code (every bit pattern decodes to a
   * symbol), given that {@link #acceptable} accepted it: not empty, and not a single one-bit code.
   */
  static boolean complete(int[] lens, int off, int n) {
    int codes = 0;
    for (int i = off; i < off + n; i++) {
      codes += lens[i] != 0 ? 1 : 0;
    }
    // The only incomplete codes acceptable lets through are the empty one and a lone code (of one
    // bit): with two codes or more, an acceptable code is complete.
    return codes > 1;
  }

  /**
   * Builds the table from {@code lens[off, off + n)}, which {@link #acceptable} accepted. Where the
   * code leaves bit patterns unused (a single one-bit code, or no code at all), those patterns are
   * invalid codes of one bit, as in zlib's tables.
   */
  void build(int[] lens, int off, int n) {
    Arrays.fill(count, 0);
    for (int i = off; i < off + n; i++) {
      count[lens[i]]++;
    }
    count[0] = 0;
    // Symbols sorted by code length, for decodeSlow.
    int[] offs = new int[16];
    for (int len = 1; len < 15; len++) {
      offs[len + 1] = offs[len] + count[len];
    }
    for (int s = 0; s < n; s++) {
      if (lens[off + s] != 0) {
        symbols[offs[lens[off + s]]++] = s;
      }
    }
    int code = 0;
    for (int len = 1; len <= 15; len++) {
      code = (code + count[len - 1]) << 1;
      next[len] = code;
    }
    Arrays.fill(single, BAD | 1);
    Arrays.fill(singleLen, 1);
    int size = 1 << root;
    for (int s = 0; s < n; s++) {
      int len = lens[off + s];
      if (len == 0) {
        continue;
      }
      int rev = Integer.reverse(next[len]++) >>> (32 - len);
      if (len > root) {
        single[rev & (size - 1)] = SLOW;
        singleLen[rev & (size - 1)] = 99;
        continue;
      }
      int e = entry(s, len);
      for (int i = rev; i < size; i += 1 << len) {
        single[i] = e;
        singleLen[i] = len;
      }
    }
    if (lit) {
      pack();
    }
  }

  /** The entry of symbol {@code s} with a code of {@code len} bits. */
  private int entry(int s, int len) {
    if (!lit) {
      return s < 30 ? len + DIST_EXTRA[s] : BAD | len;
    }
    if (s < 256) {
      return LIT | len;
    }
    if (s == 256) {
      return EOB | len;
    }
    return s < 286 ? LEN | (len + LEN_EXTRA[s - 257]) : BAD | len;
  }

  /**
   * Joins each literal with the literals after it, and a closing length or end-of-block code, that
   * fit.
   */
  private void pack() {
    for (int i = 0; i < table.length; i++) {
      int e = single[i];
      if ((e & 0xf00) != LIT) {
        table[i] = e;
        continue;
      }
      int bits = e & 0xff;
      int packed = LIT | bits;
      while (bits < root) {
        int j = i >>> bits;
        int f = single[j];
        if (bits + singleLen[j] > root) {
          break;
        }
        int kind = f & 0xf00;
        if (kind == LIT) {
          bits += f & 0xff;
          packed = LIT | bits;
          continue;
        }
        if (kind == LEN || kind == EOB) {
          packed = kind | (bits + (f & 0xff));
        }
        break;
      }
      table[i] = packed;
    }
  }

  /**
   * Decodes a code longer than the root bits from the low bits of {@code bits}, one bit at a time.
   *
   * @return the entry of the symbol (its kind and the bits it takes), or {@code BAD | 15} when no
   *     code matches
   */
  int decodeSlow(long bits) {
    int found = walk(bits);
    return found < 0 ? BAD | 15 : entry(found & 0xffff, found >>> 16);
  }

  /**
   * For the code-length code: the symbol of the next code in {@code bits}, and its length in bits
   * 8..; -1 if none.
   */
  int decodeSymbol(long bits) {
    int found = walk(bits);
    return found < 0 ? -1 : (found & 0xffff) | (found >>> 16) << 8;
  }

  /**
   * The canonical Huffman walk (zlib's puff.c {@code decode}): reads the code from the low bits of
   * {@code bits}, one bit at a time, against the counts per length and the symbols sorted by code
   * length.
   *
   * @return the symbol in bits 0..15 and its code length in bits 16..; -1 when no code of up to 15
   *     bits matches
   */
  private int walk(long bits) {
    int code = 0;
    int first = 0;
    int index = 0;
    for (int len = 1; len <= 15; len++) {
      code |= (int) (bits >>> (len - 1)) & 1;
      int c = count[len];
      if (code - c < first) {
        return symbols[index + code - first] | len << 16;
      }
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    return -1;
  }
}
