package dev.ocisquash.compress;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Walks a raw deflate stream (RFC 1951) alongside ISA-L and applies the checks of zlib's inflate
 * that ISA-L does not make, so that {@link IsalGzipInputStream} refuses exactly what the JDK's zlib
 * refuses, with zlib's message.
 *
 * <p><b>What differs.</b> ISA-L's {@code setup_dynamic_header} (igzip/igzip_inflate.c, intel/isa-l
 * 2.30.0, 200705604870d9d6, and unchanged at 8b7e3b2) refuses an over-subscribed set of code
 * lengths ({@code set_codes}: {@code max > 1 << 15}) but builds tables for an incomplete one, for
 * all three codes of a dynamic block; it decodes such a block as long as the data avoids the unused
 * codes. zlib refuses the block header: {@code inflate_table} in inftrees.c (madler/zlib d201f04)
 * returns an error for an over-subscribed set and for an incomplete one "if (left > 0 && (type ==
 * CODES || max != 1))", so that:
 *
 * <ul>
 *   <li>the code-length code must be complete ("invalid code lengths set"); an empty one is let
 *       through ({@code max == 0}) and then decodes every bit as a length of 0, which ends in
 *       "invalid code -- missing end-of-block";
 *   <li>the literal/length code must be complete ("invalid literal/lengths set"), or a single code
 *       of one bit (only end-of-block: it must have a code, inflate.c checks {@code lens[256]}
 *       first);
 *   <li>the distance code must be complete ("invalid distances set"), or a single code of one bit,
 *       or empty; using a code it lacks is "invalid distance code".
 * </ul>
 *
 * Go's compress/flate ({@code huffmanDecoder.init} in src/compress/flate/inflate.go, golang/go
 * 4733a16e) accepts the same: complete codes, empty ones, and "degenerate single-code codings"
 * ({@code code == 1 && max == 1}, "to be compatible with zlib"). It also allows that exception for
 * the code-length code, but such a header then gives every length the same value, and no
 * literal/length code of 257 to 286 equal lengths is complete, so zlib and Go refuse the same
 * headers.
 *
 * <p><b>What is walked.</b> ISA-L has no strict mode (igzip_lib.h), and in a stream a block header
 * can only be found by decoding every symbol before it. This class can do that: it decodes the
 * Huffman symbols, but copies no data (each table entry says how many bits its symbols take, see
 * {@link DeflateCode}), and applies zlib's other header checks (block type, stored lengths, symbol
 * counts, repeat codes) and its invalid-code checks (literal/length 286 and 287, distances 30 and
 * 31, unused codes), with zlib's messages; it does not check distances against the data so far,
 * which ISA-L does. That walk costs about as much CPU as ISA-L's whole decode
 * (benchmarks/README.md, section 2c), so {@link IsalGzipInputStream} makes ISA-L find the block
 * ends instead, and a checker made with {@code skip} walks only the blocks whose header does not
 * settle zlib's verdict: fixed-Huffman blocks (zlib refuses 286, 287, 30 and 31 there, with its own
 * messages; ISA-L refuses them too, with its own, IsalBlockStopTest) and dynamic blocks with an
 * empty or one-code distance code or a literal/length code of end-of-block alone, where an unused
 * code is zlib's error. A dynamic block whose two codes are complete has no unused code, so zlib
 * refuses nothing in its data that ISA-L accepts: its symbols are skipped (their tables are not
 * even built), and the stream reports where ISA-L ended the block ({@link #blockEnded}), which is
 * where the next header is parsed. Stored blocks are skipped by their length, as before.
 *
 * <p><b>Streaming.</b> Bytes are {@link #feed fed} before ISA-L sees them; a unit (a block header,
 * or one symbol with its extra bits) is decoded only when all its bits are there, and the rest is
 * kept for the next feed, so the walk never depends on how the input is split. Like zlib, an error
 * is found as soon as the bits that show it are there. The first error and the bit where its unit
 * starts are kept: the stream reports it once ISA-L has gone past that bit, so an earlier error of
 * ISA-L's (a distance too far back) still comes first, as it would in zlib.
 */
final class DeflateChecker {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Zero bytes after the data, so that 8-byte loads near its end stay inside the array. */
  private static final int PAD = 16;

  private static final int LIT_MASK = (1 << DeflateCode.ROOT_LIT) - 1;
  private static final int DIST_MASK = (1 << DeflateCode.ROOT_DIST) - 1;

  /** The order of the code-length code lengths (RFC 1951 3.2.7). */
  private static final int[] ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private enum Mode {
    HEADER,
    STORED,
    CODED,
    /** A block whose header proved it clean: its symbols are left to ISA-L (see {@link #skip}). */
    SKIP,
    DONE,
    FAILED
  }

  private final DeflateCode dynLit = new DeflateCode(true);
  private final DeflateCode dynDist = new DeflateCode(false);
  private final DeflateCode clCode = new DeflateCode(false);
  private final int[] lens = new int[320];
  private final int[] clLens = new int[19];

  /** Whether blocks with complete codes are skipped rather than walked. */
  private final boolean skip;

  /** The stream's bit where the skipped block's header starts. */
  private long skipStart;

  /** Whether the last dynamic header's literal/length and distance codes are both complete. */
  private boolean completeCodes;

  // Set by each block's header before its codes are read.
  private DeflateCode lit = DeflateCode.FIXED_LIT;
  private DeflateCode dist = DeflateCode.FIXED_DIST;
  private Mode mode;
  private boolean lastBlock;
  private long storedLeft;

  /**
   * Fed bytes not yet walked past: {@code win[0, winLim)}; {@code cur} is the next unit's bit in
   * it.
   */
  private byte[] win = new byte[64 * 1024 + PAD];

  private int winLim;
  private long cur;

  /** The member's deflate offset of {@code win[0]}, in bytes. */
  private long base;

  private @Nullable String error;
  private long errorBit;
  private long endBit;

  /** A checker that walks every block. */
  DeflateChecker() {
    this(false);
  }

  /**
   * @param skip whether blocks whose dynamic header has complete codes are skipped: then the caller
   *     reports each block's end with {@link #blockEnded}
   */
  DeflateChecker(boolean skip) {
    this.skip = skip;
    reset();
  }

  /** Starts a new deflate stream (a new gzip member). */
  void reset() {
    mode = Mode.HEADER;
    lastBlock = false;
    winLim = 0;
    cur = 0;
    base = 0;
    error = null;
    errorBit = -1;
    endBit = -1;
  }

  /** zlib's message for the first error found, or null. */
  @Nullable String error() {
    return error;
  }

  /** The stream's bit where the unit with the first error starts; -1 without one. */
  long errorBit() {
    return errorBit;
  }

  /**
   * The stream's bit after the final block, once it has been walked; -1 until then (or after an
   * error).
   */
  long endBit() {
    return endBit;
  }

  /**
   * The decoder ended a block at the stream's bit {@code bit}. When that is the end of the block
   * being skipped, the walk goes on from there: it is the stream's end if that block was the final
   * one, otherwise the next header starts there, and the caller must then feed the stream's bytes
   * from byte {@code bit >>> 3} on (that byte's bits below {@code bit & 7} are ignored). Other
   * calls (a block this checker walked, or one before the skipped one) change nothing.
   *
   * @return whether the caller must feed the bytes from byte {@code bit >>> 3} on
   */
  boolean blockEnded(long bit) {
    if (mode != Mode.SKIP || bit <= skipStart) {
      return false;
    }
    if (lastBlock) {
      mode = Mode.DONE;
      endBit = bit;
      return false;
    }
    mode = Mode.HEADER;
    base = bit >>> 3;
    cur = bit & 7;
    winLim = 0;
    return true;
  }

  /** Walks {@code b[off, off + len)}, the stream's next bytes, as far as whole units go. */
  void feed(byte[] b, int off, int len) {
    if (mode == Mode.DONE || mode == Mode.FAILED || mode == Mode.SKIP || len == 0) {
      return;
    }
    int keep = (int) (cur >>> 3);
    int rest = winLim - keep;
    if (rest + len + PAD > win.length) {
      byte[] bigger = new byte[Math.max(win.length * 2, rest + len + PAD)];
      System.arraycopy(win, keep, bigger, 0, rest);
      win = bigger;
    } else {
      System.arraycopy(win, keep, win, 0, rest);
    }
    base += keep;
    cur -= (long) keep << 3;
    System.arraycopy(b, off, win, rest, len);
    winLim = rest + len;
    Arrays.fill(win, winLim, winLim + PAD, (byte) 0);
    walk();
  }

  private void walk() {
    while (true) {
      switch (mode) {
        case HEADER:
          if (!header()) {
            return;
          }
          break;
        case STORED:
          long have = ((long) winLim << 3) - cur;
          if (have < storedLeft << 3) {
            storedLeft -= have >>> 3;
            cur += have;
            return;
          }
          cur += storedLeft << 3;
          storedLeft = 0;
          endBlock();
          break;
        case CODED:
          if (!symbols()) {
            return;
          }
          break;
        default:
          return;
      }
    }
  }

  private void endBlock() {
    if (lastBlock) {
      mode = Mode.DONE;
      endBit = (base << 3) + cur;
    } else {
      mode = Mode.HEADER;
    }
  }

  private void fail(String message, long unitStart) {
    mode = Mode.FAILED;
    error = message;
    errorBit = (base << 3) + unitStart;
  }

  /**
   * Thrown by {@link #bits} when a unit goes past the data fed so far; the unit is retried on the
   * next feed.
   */
  private static final class NeedMore extends Exception {
    // Control flow, not an error: no stack trace, no suppressed list, so one shared instance is
    // safe.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final NeedMore INSTANCE = new NeedMore();

    private NeedMore() {
      super(null, null, false, false);
    }
  }

  /** Header parsing position, in bits of {@link #win}. */
  private long hp;

  private int bits(int n) throws NeedMore {
    if (hp + n > (long) winLim << 3) {
      throw NeedMore.INSTANCE;
    }
    int p = (int) (hp >>> 3);
    long v = (long) LONG_LE.get(win, p) >>> (hp & 7);
    hp += n;
    return (int) (v & ((1L << n) - 1));
  }

  /**
   * Parses a block header at {@link #cur}; false when its bits are not all there yet or it is
   * invalid.
   */
  private boolean header() {
    long start = cur;
    hp = cur;
    try {
      int h = bits(3);
      lastBlock = (h & 1) != 0;
      switch (h >>> 1) {
        case 0:
          hp = (hp + 7) & ~7L;
          int len = bits(16);
          int nlen = bits(16);
          if (len != (~nlen & 0xffff)) {
            fail("invalid stored block lengths", start);
            return false;
          }
          storedLeft = len;
          mode = Mode.STORED;
          break;
        case 1:
          lit = DeflateCode.FIXED_LIT;
          dist = DeflateCode.FIXED_DIST;
          mode = Mode.CODED;
          break;
        case 2:
          if (!dynamicHeader(start)) {
            return false;
          }
          lit = dynLit;
          dist = dynDist;
          if (skip && completeCodes) {
            // Every bit pattern is a valid symbol of these codes, so zlib refuses nothing in the
            // block's data that ISA-L accepts (distances too far back ISA-L checks itself).
            mode = Mode.SKIP;
            skipStart = (base << 3) + start;
          } else {
            mode = Mode.CODED;
          }
          break;
        default:
          fail("invalid block type", start);
          return false;
      }
      cur = hp;
      return true;
    } catch (NeedMore e) {
      return false;
    }
  }

  /** zlib's TABLE, LENLENS and CODELENS states (inflate.c); false after {@link #fail}. */
  private boolean dynamicHeader(long start) throws NeedMore {
    int nlen = bits(5) + 257;
    int ndist = bits(5) + 1;
    int ncode = bits(4) + 4;
    if (nlen > 286 || ndist > 30) {
      fail("too many length or distance symbols", start);
      return false;
    }
    Arrays.fill(clLens, 0);
    for (int i = 0; i < ncode; i++) {
      clLens[ORDER[i]] = bits(3);
    }
    if (!DeflateCode.acceptable(clLens, 0, 19, true)) {
      fail("invalid code lengths set", start);
      return false;
    }
    boolean emptyClCode = true;
    for (int l : clLens) {
      emptyClCode &= l == 0;
    }
    clCode.build(clLens, 0, 19);
    int have = 0;
    while (have < nlen + ndist) {
      int sym;
      if (emptyClCode) {
        // zlib's table for an empty code has one-bit entries of value 0, and CODELENS takes the
        // value as is.
        bits(1);
        sym = 0;
      } else {
        long avail = ((long) winLim << 3) - hp;
        int e = clCode.decodeSymbol((long) LONG_LE.get(win, (int) (hp >>> 3)) >>> (hp & 7));
        if (e < 0 || (e >>> 8) > avail) {
          throw NeedMore
              .INSTANCE; // a complete code always matches within 7 bits; these are not there yet
        }
        hp += e >>> 8;
        sym = e & 0xff;
      }
      if (sym < 16) {
        lens[have++] = sym;
        continue;
      }
      int len = 0;
      int copy;
      if (sym == 16) {
        copy = 3 + bits(2);
        if (have == 0) {
          fail("invalid bit length repeat", start);
          return false;
        }
        len = lens[have - 1];
      } else if (sym == 17) {
        copy = 3 + bits(3);
      } else {
        copy = 11 + bits(7);
      }
      if (have + copy > nlen + ndist) {
        fail("invalid bit length repeat", start);
        return false;
      }
      Arrays.fill(lens, have, have + copy, len);
      have += copy;
    }
    if (lens[256] == 0) {
      fail("invalid code -- missing end-of-block", start);
      return false;
    }
    if (!DeflateCode.acceptable(lens, 0, nlen, false)) {
      fail("invalid literal/lengths set", start);
      return false;
    }
    if (!DeflateCode.acceptable(lens, nlen, ndist, false)) {
      fail("invalid distances set", start);
      return false;
    }
    completeCodes = DeflateCode.complete(lens, 0, nlen) && DeflateCode.complete(lens, nlen, ndist);
    if (!(skip && completeCodes)) {
      dynLit.build(lens, 0, nlen);
      dynDist.build(lens, nlen, ndist);
    }
    return true;
  }

  /**
   * Walks the symbols of a Huffman-coded block from {@link #cur}: true at its end-of-block code,
   * false when the data fed so far ends first or on an invalid code.
   */
  private boolean symbols() {
    final int[] litTable = lit.table;
    final int[] distTable = dist.table;
    final byte[] w = win;
    final long limit = (long) winLim << 3;
    // With 8 more bytes from pos on, a refill loads 56 bits of real data: a unit takes at most 48.
    final int fastEnd = winLim - 8;
    int pos = (int) (cur >>> 3);
    long bb = 0;
    int bc = 0;
    int skip = (int) (cur & 7);
    bb |= (long) LONG_LE.get(w, pos) << bc;
    pos += (63 - bc) >>> 3;
    bc |= 56;
    bb >>>= skip;
    bc -= skip;
    while (true) {
      long start = ((long) pos << 3) - bc;
      bb |= (long) LONG_LE.get(w, pos) << bc;
      pos += (63 - bc) >>> 3;
      bc |= 56;
      int e = litTable[(int) bb & LIT_MASK];
      if (e >= DeflateCode.EOB) {
        if ((e & 0xf00) == DeflateCode.SLOW) {
          e = lit.decodeSlow(bb);
        }
        if (e >= DeflateCode.EOB) {
          long end = ((long) pos << 3) - bc + (e & 0xff);
          if ((e & 0xf00) == DeflateCode.EOB && end <= limit) {
            cur = end;
            endBlock();
            return true;
          }
          return stop(start, end, limit, "invalid literal/length code");
        }
      }
      int n = e & 0xff;
      bb >>>= n;
      // Literals, or literals and a length code: the distance entry counts only after a length (no
      // branch).
      int d = distTable[(int) bb & DIST_MASK] & -(e >>> 8);
      if (d >= 0x100) {
        if ((d & 0xf00) == DeflateCode.SLOW) {
          d = dist.decodeSlow(bb);
        }
        if (d >= 0x100) {
          return stop(
              start, ((long) pos << 3) - bc + n + (d & 0xff), limit, "invalid distance code");
        }
      }
      bb >>>= d;
      bc -= n + d;
      if (pos > fastEnd && ((long) pos << 3) - bc > limit) {
        cur = start; // the unit is not all there: walk it again when more data has come
        return false;
      }
      // Here pos <= winLim + 7, so the next refill still reads inside the padding.
    }
  }

  /**
   * After an end-of-block or invalid code whose unit ends at {@code end}: waits for more data, or
   * fails.
   */
  private boolean stop(long start, long end, long limit, String message) {
    if (end > limit) {
      cur = start;
      return false;
    }
    fail(message, start);
    return false;
  }
}
