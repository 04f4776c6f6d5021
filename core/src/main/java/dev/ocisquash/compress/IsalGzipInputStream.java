package dev.ocisquash.compress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * A gzip (RFC 1952) reader whose deflate data is decoded by Intel ISA-L's {@code isal_inflate},
 * about three times faster per core than the JDK's zlib {@code Inflater}. It reads exactly what
 * {@link Decompressors}' JDK path ({@code GZIPInputStream} over {@code HonestAvailable}) reads,
 * with the same outcome for damaged input:
 *
 * <ul>
 *   <li>concatenated members are read until the raw stream really ends; after a member, data that
 *       does not parse as a gzip header is ignored, and so is a tail of 18 bytes or fewer (too
 *       short for a member: 10 header + 2 deflate + 8 trailer bytes). The JDK skips such a short
 *       tail when it already sits in its input buffer, which is what happens unless the raw stream
 *       returns fewer bytes than asked for; this class decides by the tail's length alone, so its
 *       answer does not depend on how the raw stream splits its reads;
 *   <li>input that ends early ({@code raw} empty, cut in a header, in the deflate data or in the
 *       trailer) throws {@link EOFException}; callers report it as a truncated stream;
 *   <li>a bad magic, method or header CRC (first member), corrupt deflate data, or a CRC32 or ISIZE
 *       that does not match the data throws {@link ZipException}, with the JDK's wording where the
 *       JDK has one.
 * </ul>
 *
 * <p><b>Who parses the wrapper.</b> The gzip header and trailer are parsed in Java ({@link
 * GzipWrapper}), and ISA-L only sees raw deflate ({@code crc_flag = ISAL_DEFLATE}, which {@code
 * isal_inflate_init} sets; the CRC32 is {@link CRC32}, a JIT intrinsic). That keeps the native
 * contract small: besides the stream fields at the head of {@code struct inflate_state}, which have
 * not moved since ISA-L's first release, only {@code block_state} is read, and nothing past the
 * head is written (other than by ISA-L's own {@code isal_inflate_reset} and {@code
 * isal_inflate_set_dict} at each block, see below). Letting ISA-L parse the wrapper ({@code
 * crc_flag = IGZIP_GZIP}) would add {@code crc_flag} as a written field deep in the struct, tie
 * error reporting to ISA-L's codes, and still leave the member-chaining and trailing-garbage rules
 * to be written here, since they must match the JDK's.
 *
 * <p><b>Native state.</b> The offsets into {@code struct inflate_state} and the checks that prove
 * them on a loaded library live in {@link IsalInflateState}; {@link IsalGunzipSelfTest} (run by
 * {@link IsalLibrary} before the library is chosen) runs those checks, and decodes real gzip data
 * whose end and trailer position must come out exactly.
 *
 * <p><b>End of a member.</b> When {@code block_state} is {@code ISAL_BLOCK_FINISH} all output has
 * been handed out. ISA-L keeps up to 8 bytes it read past the final block in its bit buffer ({@code
 * read_in}, {@code read_in_length} bits); in raw-deflate mode it does not give them back, so they
 * are taken from there (dropping the final byte's padding bits) and read before the rest of the
 * input: they are the start of the trailer.
 *
 * <p><b>zlib's strictness, block by block.</b> ISA-L decodes some blocks that zlib refuses
 * (incomplete Huffman codes); a {@link DeflateChecker} applies zlib's checks beside it, so that
 * this class refuses what the JDK path refuses, with zlib's message. Walking every symbol for that
 * cost as much CPU as ISA-L's decode, so ISA-L is made to stop at the end of every block: the
 * BFINAL bit of each block header is set in ISA-L's copy of the input (the native input buffer, or
 * bit 0 of {@code read_in} when ISA-L already holds the header's first bits; never in {@link #in},
 * which is what the checker reads), and its real value is kept. When ISA-L finishes a block whose
 * bit was forced, its position is the next header's; the state is reset and given the last 32 KiB
 * of output as its dictionary ({@link IsalInflateState#resume}, which says why), and the next
 * header's bit is forced in turn. The checker parses every header, but walks the symbols only of
 * the blocks whose header does not settle it: fixed-Huffman blocks and dynamic ones with a
 * degenerate code that zlib allows (see {@link DeflateChecker}); a dynamic block with complete
 * codes is skipped, and the checker picks up again at the end ISA-L found. A block whose own BFINAL
 * bit is set ends the member as before, and the checker's end must be ISA-L's.
 *
 * <p>Native memory ({@link IsalInflateState}) is allocated once per stream and freed by {@link
 * #close()}; nothing native is allocated per read. {@link #close()} may race a read on another
 * thread (a prefetching reader being cancelled): native calls and freeing are serialised on a lock,
 * so memory is never freed under {@code isal_inflate}.
 */
final class IsalGzipInputStream extends InputStream {
  private static final int IN_CAPACITY = IsalInflateState.IN_CAPACITY;
  private static final int OUT_CAPACITY = IsalInflateState.OUT_CAPACITY;
  private static final int HIST_SIZE = IsalInflateState.HIST_SIZE;

  /**
   * Bytes fed to the checker at once from a header on: more than most dynamic headers take (at most
   * about 560 bytes), far less than the input buffer, which it would otherwise copy at every block.
   */
  private static final int HEADER_FEED = 1024;

  /**
   * Reads at least this large are decoded straight into the caller's array instead of through
   * {@link #out}.
   */
  private static final int DIRECT_MIN = 32 * 1024;

  /**
   * A tail after a member this short cannot hold another one (10 header + 2 deflate + 8 trailer
   * bytes).
   */
  private static final int MIN_MEMBER = 19;

  private final InputStream raw;
  private final Object lock = new Object();
  private final IsalInflateState inflater;
  private final GzipWrapper.ByteSource wrapperBytes = this::readUByte;

  /** Raw input; {@code in[inPos, inLim)} is not consumed yet. */
  private final byte[] in = new byte[IN_CAPACITY];

  private int inPos;
  private int inLim;

  /** Whether the native input buffer holds {@code in[inPos, inLim)} at the same offsets. */
  private boolean nativeInValid;

  /**
   * Bytes ISA-L had read past the end of a member's deflate data (see the class comment), read
   * first.
   */
  private final byte[] handedBack = new byte[8];

  private int handedBackPos;
  private int handedBackLim;

  /** Decoded bytes not yet returned: {@code out[outPos, outLim)}. */
  private final byte[] out = new byte[OUT_CAPACITY];

  private int outPos;
  private int outLim;

  private final DeflateChecker checker = new DeflateChecker(true);

  /** The member's last output, for the dictionary at each block start. */
  private final DeflateHistory history = new DeflateHistory(HIST_SIZE);

  /**
   * The member's bit where the next block's header starts, while its BFINAL bit is still to be set
   * in the native input (it is not loaded there yet); -1 when none is.
   */
  private long forceBit = -1;

  /** Whether the block ISA-L decodes is the member's final one in the data itself. */
  private boolean blockFinal;

  /** Bytes of an earlier input buffer that ISA-L still holds, for {@link #checker}. */
  private final byte[] heldBytes = new byte[8];

  /**
   * How many BFINAL bits were forced in {@code read_in} and in the native input buffer (for tests,
   * which must see both happen).
   */
  private int forcedInReadIn;

  private int forcedInInput;

  /** {@code isal_inflate} calls in a row that produced nothing, used nothing and ended nothing. */
  private int stalls;

  /**
   * {@code in[0, fedTo)} has been fed to {@link #checker} (within the current member's deflate
   * data).
   */
  private int fedTo;

  /**
   * The member's deflate offset of {@code in[0]}, in bytes (negative while {@code in} starts with
   * its header).
   */
  private long memberBase;

  private final CRC32 crc = new CRC32();
  private long memberSize;
  private boolean memberDone;
  private boolean eof;
  private boolean closed;

  /**
   * The first failure; later reads throw it again rather than call into a native state in an
   * unknown phase.
   */
  private @Nullable IOException failure;

  /**
   * Reads the first member's header from {@code raw}, like {@code GZIPInputStream}'s constructor.
   *
   * @param lib a loaded library
   * @param raw the gzip bytes; closed by {@link #close()}, not on failure here
   * @throws EOFException when {@code raw} ends within the header (or is empty)
   * @throws ZipException when it does not start with a gzip header
   */
  IsalGzipInputStream(IsalLibrary lib, InputStream raw) throws IOException {
    this.raw = Objects.requireNonNull(raw, "raw");
    inflater = new IsalInflateState(lib);
    try {
      GzipWrapper.readHeader(wrapperBytes);
      startMember();
    } catch (IOException | RuntimeException | Error e) {
      inflater.free();
      throw e;
    }
  }

  @Override
  public int read() throws IOException {
    ensureOpen();
    if (outPos == outLim && !refill()) {
      return -1;
    }
    return out[outPos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    if (outPos < outLim) {
      int n = Math.min(len, outLim - outPos);
      System.arraycopy(out, outPos, b, off, n);
      outPos += n;
      return n;
    }
    if (eof) {
      return -1;
    }
    if (len >= DIRECT_MIN) {
      // Large reads skip the copy through this.out: one copy from native memory into the caller's
      // array.
      return decode(b, off, Math.min(len, OUT_CAPACITY));
    }
    if (!refill()) {
      return -1;
    }
    int n = Math.min(len, outLim - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    if (n <= 0) {
      return 0;
    }
    long left = n;
    while (left > 0) {
      if (outPos == outLim && !refill()) {
        break;
      }
      int k = (int) Math.min(left, outLim - outPos);
      outPos += k;
      left -= k;
    }
    return n - left;
  }

  /**
   * Decoded bytes buffered here: what can be read without decoding more (0 at the end). {@code
   * GZIPInputStream} says 1 until the end instead; nothing here relies on either.
   */
  @Override
  public int available() throws IOException {
    ensureOpen();
    return outLim - outPos;
  }

  /** Frees the native memory and closes the raw stream; later calls do nothing. */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      inflater.free();
    }
    raw.close();
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("Stream closed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Decodes into {@link #out}; false at the end of the last member. */
  private boolean refill() throws IOException {
    if (eof) {
      return false;
    }
    int n = decode(out, 0, OUT_CAPACITY);
    if (n < 0) {
      return false;
    }
    outPos = 0;
    outLim = n;
    return true;
  }

  /**
   * Decodes up to {@code cap} bytes into {@code dst}, crossing member boundaries as needed.
   *
   * @return how many bytes (at least 1), or -1 at the end of the stream
   */
  private int decode(byte[] dst, int off, int cap) throws IOException {
    try {
      stalls = 0;
      while (true) {
        if (memberDone) {
          GzipWrapper.readTrailer(wrapperBytes, crc.getValue(), memberSize);
          if (!nextMember()) {
            eof = true;
            return -1;
          }
          continue;
        }
        if (handedBackPos < handedBackLim) {
          // Only the trailer can follow the handed-back bytes, and it is 8 bytes long, so they are
          // used up.
          throw new IOException("ISA-L inflate: bytes of the previous member left over");
        }
        if (inPos == inLim && !fill()) {
          if (checker.error() != null) {
            // zlib would have stopped at this error (ISA-L waits for the rest of a code that zlib
            // refuses).
            throw new ZipException(checker.error());
          }
          throw new EOFException("Unexpected end of ZLIB input stream");
        }
        int produced = inflate(dst, off, cap);
        if (produced > 0) {
          crc.update(dst, off, produced);
          memberSize += produced;
          return produced;
        }
        // No output: either the member ended, or ISA-L used up the input (and wants more). Anything
        // else would
        // loop forever, so it is reported.
        if (!memberDone && inPos < inLim && ++stalls > 2) {
          throw new IOException("ISA-L inflate made no progress with input and output room left");
        }
      }
    } catch (IOException e) {
      if (failure == null && !closed) {
        failure = e;
      }
      throw e;
    }
  }

  /**
   * One {@code isal_inflate} call over {@code in[inPos, inLim)} into {@code dst}; returns the bytes
   * produced.
   */
  private int inflate(byte[] dst, int off, int cap) throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("Stream closed");
      }
      if (!nativeInValid) {
        inflater.loadInput(in, inPos, inLim - inPos);
        nativeInValid = true;
        applyForce();
      }
      if (forceBit >= 0 && (forceBit >>> 3) - memberBase < inPos) {
        throw new IOException("ISA-L inflate: the next block's header was not marked final");
      }
      if (fedTo < inLim) {
        checker.feed(in, fedTo, inLim - fedTo);
        fedTo = inLim;
      }
      int produced;
      try {
        produced = inflater.inflate(inPos, inLim - inPos, dst, off, cap);
      } catch (ZipException e) {
        inPos = inLim - inflater.availIn();
        // Where zlib stops first, its message is the one to give.
        if (checker.error() != null && checker.errorBit() <= isalBit()) {
          throw new ZipException(checker.error());
        }
        throw e;
      }
      inPos = inLim - inflater.availIn();
      history.add(dst, off, produced);
      long at = isalBit();
      if (checker.error() != null && checker.errorBit() < at) {
        // ISA-L went on past a unit that zlib refuses.
        throw new ZipException(checker.error());
      }
      if (inflater.finished() && !blockFinal) {
        nextBlock(at);
      } else if (inflater.finished()) {
        checker.blockEnded(at);
        if (checker.endBit() != at) {
          throw new ZipException(
              "ISA-L ended the deflate data at bit "
                  + at
                  + ", zlib's rules "
                  + (checker.endBit() < 0 ? "do not end it there" : "at bit " + checker.endBit()));
        }
        memberDone = true;
        // The bytes ISA-L read past the final block are the start of the trailer: read them first.
        handedBackLim = inflater.handBack(handedBack);
        handedBackPos = 0;
      }
      return produced;
    }
  }

  /**
   * ISA-L stopped at the end of a block that is not the final one (its BFINAL bit was forced), at
   * the member's bit {@code at}: starts the next block there, with its BFINAL bit forced too, and
   * has {@link #checker} check its header when it skipped the block that ended.
   */
  private void nextBlock(long at) throws IOException {
    int held = inflater.readInLength();
    long bits = inflater.readIn();
    inflater.resume(history.buffer(), history.start(), history.length(), bits, held);
    forceBit = at;
    if (held > 0) {
      // The header starts at bit 0 of read_in.
      blockFinal = (bits & 1) != 0;
      inflater.forceFinalInReadIn();
      forcedInReadIn++;
      forceBit = -1;
    } else {
      applyForce();
    }
    stalls = 0;
    if (checker.blockEnded(at)) {
      long p = (at >>> 3) - memberBase;
      if (p < 0) {
        // The header starts in bytes of the previous input buffer, which ISA-L holds in read_in
        // (with the bits up to in[inPos]); bits of the first byte below at % 8 are not used.
        long aligned = bits << (at & 7);
        int k = (int) -p;
        for (int j = 0; j < k; j++) {
          heldBytes[j] = (byte) (aligned >>> (8 * j));
        }
        checker.feed(heldBytes, 0, k);
        p = 0;
      }
      // Enough for most headers; the rest, if needed, is fed before the next isal_inflate call.
      int n = Math.min(inLim - (int) p, HEADER_FEED);
      checker.feed(in, (int) p, n);
      fedTo = (int) p + n;
    }
  }

  /**
   * Sets the BFINAL bit of the header at {@link #forceBit} in the native input, once that byte is
   * there, and notes the bit's real value.
   */
  private void applyForce() {
    if (forceBit < 0 || !nativeInValid) {
      return;
    }
    long p = (forceBit >>> 3) - memberBase;
    if (p >= inPos && p < inLim) {
      int bit = (int) (forceBit & 7);
      blockFinal = ((in[(int) p] >>> bit) & 1) != 0;
      inflater.forceFinalInInput((int) p, bit);
      forcedInInput++;
      forceBit = -1;
    }
  }

  /** How many BFINAL bits were forced in {@code read_in} so far. */
  int forcedInReadIn() {
    return forcedInReadIn;
  }

  /** How many BFINAL bits were forced in the native input buffer so far. */
  int forcedInInput() {
    return forcedInInput;
  }

  /** ISA-L's position in the member's deflate data, in bits: after what it has decoded. */
  private long isalBit() throws IOException {
    return ((memberBase + inPos) << 3) - inflater.readInLength();
  }

  /** Replaces {@link #in} with the next bytes of {@code raw}; false at its end. */
  private boolean fill() throws IOException {
    int n;
    do {
      n = raw.read(in, 0, IN_CAPACITY);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    memberBase += inLim;
    inPos = 0;
    inLim = n;
    fedTo = 0;
    nativeInValid = false;
    return true;
  }

  /**
   * The next raw byte for the header or trailer parser: the handed-back bytes first, then {@link
   * #in}.
   */
  private int readUByte() throws IOException {
    if (handedBackPos < handedBackLim) {
      return handedBack[handedBackPos++] & 0xff;
    }
    if (inPos == inLim && !fill()) {
      throw new EOFException("Unexpected end of gzip header or trailer");
    }
    return in[inPos++] & 0xff;
  }

  /**
   * After a trailer: starts the next member when there is one. Like the JDK, anything after a
   * member that does not parse as a gzip header (including a read error there) ends the stream
   * quietly.
   */
  private boolean nextMember() throws IOException {
    if (!tailCouldHoldMember()) {
      return false;
    }
    try {
      GzipWrapper.readHeader(wrapperBytes);
    } catch (IOException e) {
      return false;
    }
    startMember();
    return true;
  }

  /**
   * Whether at least {@link #MIN_MEMBER} bytes follow; reads ahead (keeping what is buffered) to
   * find out.
   */
  private boolean tailCouldHoldMember() throws IOException {
    if (inLim - inPos >= MIN_MEMBER) {
      return true;
    }
    System.arraycopy(in, inPos, in, 0, inLim - inPos);
    inLim -= inPos;
    inPos = 0;
    nativeInValid = false;
    while (inLim < MIN_MEMBER) {
      int n = raw.read(in, inLim, IN_CAPACITY - inLim);
      if (n < 0) {
        return false;
      }
      inLim += n;
    }
    return true;
  }

  private void startMember() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("Stream closed");
      }
      inflater.init();
    }
    checker.reset();
    fedTo = inPos;
    memberBase = -inPos;
    history.clear();
    forceBit = 0;
    blockFinal = false;
    applyForce();
    crc.reset();
    memberSize = 0;
    memberDone = false;
  }
}
