package dev.ocisquash.compress;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * A gzip (RFC 1952) reader whose deflate data is decoded by Intel ISA-L's {@code isal_inflate}, about three times
 * faster per core than the JDK's zlib {@code Inflater}. It reads exactly what {@link Decompressors}' JDK path
 * ({@code GZIPInputStream} over {@code HonestAvailable}) reads, with the same outcome for damaged input:
 *
 * <ul>
 *   <li>concatenated members are read until the raw stream really ends; after a member, data that does not parse
 *       as a gzip header is ignored, and so is a tail of 18 bytes or fewer (too short for a member: 10 header + 2
 *       deflate + 8 trailer bytes). The JDK skips such a short tail when it already sits in its input buffer,
 *       which is what happens unless the raw stream returns fewer bytes than asked for; this class decides by
 *       the tail's length alone, so its answer does not depend on how the raw stream splits its reads;
 *   <li>input that ends early ({@code raw} empty, cut in a header, in the deflate data or in the trailer) throws
 *       {@link EOFException}; callers report it as a truncated stream;
 *   <li>a bad magic, method or header CRC (first member), corrupt deflate data, or a CRC32 or ISIZE that does not
 *       match the data throws {@link ZipException}, with the JDK's wording where the JDK has one.
 * </ul>
 *
 * <p><b>Who parses the wrapper.</b> The gzip header and trailer are parsed here, in Java, and ISA-L only sees raw
 * deflate ({@code crc_flag = ISAL_DEFLATE}, which {@code isal_inflate_init} sets; the CRC32 is {@link CRC32}, a JIT
 * intrinsic). That keeps the native contract small: besides the stream fields at the head of {@code struct
 * inflate_state}, which have not moved since ISA-L's first release, only {@code block_state} is read, and nothing
 * past the head is written. Letting ISA-L parse the wrapper ({@code crc_flag = IGZIP_GZIP}) would add {@code
 * crc_flag} as a written field deep in the struct, tie error reporting to ISA-L's codes, and still leave the
 * member-chaining and trailing-garbage rules to be written here, since they must match the JDK's.
 *
 * <p><b>Struct layout</b> ({@code igzip_lib.h} of ISA-L 2.30, LP64, checked against the disassembly of Debian's
 * {@code libisal.so.2.0.30}: {@code isal_inflate_init} zeroes 0..0x27 and 0x52a8..0x52df):
 *
 * <pre>
 *     0 uint8_t *next_out        8 uint32_t avail_out      12 uint32_t total_out
 *    16 uint8_t *next_in        24 uint64_t read_in        32 uint32_t avail_in     36 int32_t read_in_length
 *    40 struct inflate_huff_code_large lit_huff_code   (4096 x uint32 + 1264 x uint16 = 18,912 bytes)
 * 18952 struct inflate_huff_code_small dist_huff_code  (1024 x uint16 +   80 x uint16 =  2,208 bytes)
 * 21160 enum isal_block_state block_state   21164 dict_length   21168 bfinal   21172 crc_flag   21176 crc ...
 * 21216 uint8_t tmp_in_buffer[328]    21544 uint8_t tmp_out_buffer[2 * 32768 + 288]    sizeof = 87,368
 * </pre>
 *
 * The table sizes follow from {@code ISAL_DECODE_LONG_BITS} 12 and {@code ISAL_DECODE_SHORT_BITS} 10, which
 * changed in earlier releases, so {@code block_state} is the one offset that could differ in another build.
 * {@link #selfTest} (run by {@link IsalLibrary} before the library is chosen) rejects a library where it does: it
 * checks that {@code isal_inflate_init} zeroes that word and not the one before it, and decodes real gzip data
 * whose end and trailer position must come out exactly.
 *
 * <p><b>End of a member.</b> When {@code block_state} is {@code ISAL_BLOCK_FINISH} all output has been handed
 * out. ISA-L keeps up to 8 bytes it read past the final block in its bit buffer ({@code read_in}, {@code
 * read_in_length} bits); in raw-deflate mode it does not give them back, so they are taken from there (dropping
 * the final byte's padding bits) and read before the rest of the input: they are the start of the trailer.
 *
 * <p>Native memory (the state, 128 KiB of input, 256 KiB of output) is allocated once per stream and freed by
 * {@link #close()}; nothing native is allocated per read. {@link #close()} may race a read on another thread (a
 * prefetching reader being cancelled): native calls and freeing are serialised on a lock, so memory is never freed
 * under {@code isal_inflate}.
 */
final class IsalGzipInputStream extends InputStream {
  private static final int OFF_NEXT_OUT = 0;
  private static final int OFF_AVAIL_OUT = 8;
  private static final int OFF_NEXT_IN = 16;
  private static final int OFF_READ_IN = 24;
  private static final int OFF_AVAIL_IN = 32;
  private static final int OFF_READ_IN_LENGTH = 36;
  /** After the two Huffman lookup tables; see the class comment. */
  private static final int OFF_BLOCK_STATE = 21160;

  /** enum isal_block_state: a new stream, and all input decoded and all output handed out. */
  private static final int ISAL_BLOCK_NEW_HDR = 0;

  private static final int ISAL_BLOCK_FINISH = 5;

  /** sizeof(struct inflate_state) is 87,368 bytes in 2.30; allocate far more, so a bigger build is still safe. */
  private static final int STATE_ALLOC = 256 * 1024;

  private static final int IN_CAPACITY = 128 * 1024;
  private static final int OUT_CAPACITY = 256 * 1024;

  /**
   * Slack after the native buffers: ISA-L's vector code may load or store whole words near a buffer's end. It is
   * documented to stay inside {@code avail_in}/{@code avail_out}; the slack makes a mistake there harmless.
   */
  private static final int SLACK = 4096;

  /** Reads at least this large are decoded straight into the caller's array instead of through {@link #out}. */
  private static final int DIRECT_MIN = 32 * 1024;

  /** A tail after a member this short cannot hold another one (10 header + 2 deflate + 8 trailer bytes). */
  private static final int MIN_MEMBER = 19;

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final IsalLibrary lib;
  private final InputStream raw;
  private final Object lock = new Object();

  private final Memory stateAlloc;
  private final Memory state;
  private final Memory nativeIn;
  private final Memory nativeOut;
  private final long nativeInAddress;
  private final long nativeOutAddress;

  /** Raw input; {@code in[inPos, inLim)} is not consumed yet. */
  private final byte[] in = new byte[IN_CAPACITY];

  private int inPos;
  private int inLim;
  /** Whether {@link #nativeIn} holds {@code in[inPos, inLim)} at the same offsets. */
  private boolean nativeInValid;

  /** Bytes ISA-L had read past the end of a member's deflate data (see the class comment), read first. */
  private final byte[] handedBack = new byte[8];

  private int handedBackPos;
  private int handedBackLim;

  /** Decoded bytes not yet returned: {@code out[outPos, outLim)}. */
  private final byte[] out = new byte[OUT_CAPACITY];

  private int outPos;
  private int outLim;

  private final CRC32 crc = new CRC32();
  private long memberSize;
  private boolean memberDone;
  private boolean eof;
  private boolean closed;
  /** The first failure; later reads throw it again rather than call into a native state in an unknown phase. */
  private IOException failure;

  /**
   * Reads the first member's header from {@code raw}, like {@code GZIPInputStream}'s constructor.
   *
   * @param lib a loaded library
   * @param raw the gzip bytes; closed by {@link #close()}, not on failure here
   * @throws EOFException when {@code raw} ends within the header (or is empty)
   * @throws ZipException when it does not start with a gzip header
   */
  IsalGzipInputStream(IsalLibrary lib, InputStream raw) throws IOException {
    this.lib = lib;
    this.raw = Objects.requireNonNull(raw, "raw");
    stateAlloc = new Memory(STATE_ALLOC + 64);
    nativeIn = new Memory(IN_CAPACITY + SLACK);
    nativeOut = new Memory(OUT_CAPACITY + SLACK);
    // The struct holds 64-bit fields and lookup tables the vector code reads: align like the deflate side does.
    state = (Memory) stateAlloc.align(64);
    stateAlloc.clear();
    nativeInAddress = Pointer.nativeValue(nativeIn);
    nativeOutAddress = Pointer.nativeValue(nativeOut);
    try {
      readHeader();
      startMember();
    } catch (IOException | RuntimeException | Error e) {
      freeNative();
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
      // Large reads skip the copy through this.out: one copy from native memory into the caller's array.
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
   * Decoded bytes buffered here: what can be read without decoding more (0 at the end). {@code GZIPInputStream}
   * says 1 until the end instead; nothing here relies on either.
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
      freeNative();
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
      int stalls = 0;
      while (true) {
        if (memberDone) {
          readTrailer();
          if (!nextMember()) {
            eof = true;
            return -1;
          }
          continue;
        }
        if (handedBackPos < handedBackLim) {
          // Only the trailer can follow the handed-back bytes, and it is 8 bytes long, so they are used up.
          throw new IOException("ISA-L inflate: bytes of the previous member left over");
        }
        if (inPos == inLim && !fill()) {
          throw new EOFException("Unexpected end of ZLIB input stream");
        }
        int produced = inflate(dst, off, cap);
        if (produced > 0) {
          crc.update(dst, off, produced);
          memberSize += produced;
          return produced;
        }
        // No output: either the member ended, or ISA-L used up the input (and wants more). Anything else would
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

  /** One {@code isal_inflate} call over {@code in[inPos, inLim)} into {@code dst}; returns the bytes produced. */
  private int inflate(byte[] dst, int off, int cap) throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("Stream closed");
      }
      if (!nativeInValid) {
        nativeIn.write(inPos, in, inPos, inLim - inPos);
        nativeInValid = true;
      }
      int offered = inLim - inPos;
      state.setLong(OFF_NEXT_IN, nativeInAddress + inPos);
      state.setInt(OFF_AVAIL_IN, offered);
      state.setLong(OFF_NEXT_OUT, nativeOutAddress);
      state.setInt(OFF_AVAIL_OUT, cap);
      int rc = lib.api.isal_inflate(state);
      int availIn = state.getInt(OFF_AVAIL_IN);
      int produced = cap - state.getInt(OFF_AVAIL_OUT);
      if (availIn < 0 || availIn > offered || produced < 0 || produced > cap) {
        throw new IOException(
            "ISA-L inflate state is inconsistent (avail_in " + availIn + " of " + offered + ", produced " + produced
                + " of " + cap + ")");
      }
      if (rc < 0) {
        throw new ZipException(errorMessage(rc));
      }
      inPos = inLim - availIn;
      if (produced > 0) {
        nativeOut.read(0, dst, off, produced);
      }
      if (state.getInt(OFF_BLOCK_STATE) == ISAL_BLOCK_FINISH) {
        memberDone = true;
        handBack();
      }
      return produced;
    }
  }

  /** Moves the whole bytes left in ISA-L's bit buffer after the final block to {@link #handedBack}. */
  private void handBack() throws IOException {
    int bits = state.getInt(OFF_READ_IN_LENGTH);
    if (bits < 0 || bits > 64) {
      throw new IOException("ISA-L inflate state is inconsistent (read_in_length " + bits + ")");
    }
    // The low (bits % 8) bits finish the final block's last byte: padding, not data.
    long v = state.getLong(OFF_READ_IN) >>> (bits % 8);
    int k = bits / 8;
    for (int i = 0; i < k; i++) {
      handedBack[i] = (byte) (v >>> (8 * i));
    }
    handedBackPos = 0;
    handedBackLim = k;
  }

  private static String errorMessage(int rc) {
    String what;
    switch (rc) {
      case -1:
        what = "invalid deflate block";
        break;
      case -2:
        what = "invalid deflate symbol";
        break;
      case -3:
        what = "invalid distance too far back";
        break;
      default:
        what = "inflate error";
        break;
    }
    return what + " (ISA-L isal_inflate returned " + rc + ")";
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
    inPos = 0;
    inLim = n;
    nativeInValid = false;
    return true;
  }

  /** The next raw byte for the header or trailer parsers. */
  private int readUByte() throws IOException {
    if (handedBackPos < handedBackLim) {
      return handedBack[handedBackPos++] & 0xff;
    }
    if (inPos == inLim && !fill()) {
      throw new EOFException("Unexpected end of gzip header or trailer");
    }
    return in[inPos++] & 0xff;
  }

  private int readUShort() throws IOException {
    int b = readUByte();
    return (readUByte() << 8) | b;
  }

  private long readUInt() throws IOException {
    long s = readUShort();
    return ((long) readUShort() << 16) | s;
  }

  /** Parses one member header with the JDK's checks (and its messages). */
  private void readHeader() throws IOException {
    CRC32 hcrc = new CRC32();
    int id = readHeaderUShort(hcrc);
    if (id != 0x8b1f) {
      throw new ZipException("Not in GZIP format");
    }
    if (readHeaderByte(hcrc) != 8) {
      throw new ZipException("Unsupported compression method");
    }
    int flg = readHeaderByte(hcrc);
    for (int i = 0; i < 6; i++) {
      readHeaderByte(hcrc); // MTIME, XFL, OS
    }
    if ((flg & FEXTRA) != 0) {
      int m = readHeaderUShort(hcrc);
      for (int i = 0; i < m; i++) {
        readHeaderByte(hcrc);
      }
    }
    if ((flg & FNAME) != 0) {
      while (readHeaderByte(hcrc) != 0) {
        // skip the zero-terminated name
      }
    }
    if ((flg & FCOMMENT) != 0) {
      while (readHeaderByte(hcrc) != 0) {
        // skip the zero-terminated comment
      }
    }
    if ((flg & FHCRC) != 0) {
      int v = (int) hcrc.getValue() & 0xffff;
      if (readUShort() != v) {
        throw new ZipException("Corrupt GZIP header");
      }
    }
  }

  private int readHeaderByte(CRC32 hcrc) throws IOException {
    int b = readUByte();
    hcrc.update(b);
    return b;
  }

  private int readHeaderUShort(CRC32 hcrc) throws IOException {
    int b = readHeaderByte(hcrc);
    return (readHeaderByte(hcrc) << 8) | b;
  }

  /** Checks CRC32, then ISIZE, in that order (as the JDK does: a bad CRC is reported before a short ISIZE). */
  private void readTrailer() throws IOException {
    long expectCrc = readUInt();
    if (expectCrc != crc.getValue()) {
      throw new ZipException(
          String.format(
              "Corrupt GZIP trailer: CRC32 %08x, but the data's is %08x", expectCrc, crc.getValue()));
    }
    long expectSize = readUInt();
    if (expectSize != (memberSize & 0xffffffffL)) {
      throw new ZipException(
          "Corrupt GZIP trailer: ISIZE " + expectSize + ", but the data has " + memberSize + " bytes");
    }
  }

  /**
   * After a trailer: starts the next member when there is one. Like the JDK, anything after a member that does not
   * parse as a gzip header (including a read error there) ends the stream quietly.
   */
  private boolean nextMember() throws IOException {
    if (!tailCouldHoldMember()) {
      return false;
    }
    try {
      readHeader();
    } catch (IOException e) {
      return false;
    }
    startMember();
    return true;
  }

  /** Whether at least {@link #MIN_MEMBER} bytes follow; reads ahead (keeping what is buffered) to find out. */
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
      // init, not reset: it also clears crc_flag (ISAL_DEFLATE) and hist_bits, so nothing past the head is written.
      lib.api.isal_inflate_init(state);
    }
    crc.reset();
    memberSize = 0;
    memberDone = false;
  }

  private void freeNative() {
    stateAlloc.close();
    nativeIn.close();
    nativeOut.close();
  }

  /**
   * Proves the layout assumptions on a loaded library before any layer depends on them: {@code
   * isal_inflate_init} must zero the head fields and {@code block_state} (and not the word before it) of a block
   * filled with a pattern; then gzip data written by the JDK (three members: dynamic blocks, an empty member, whose
   * one block is fixed-Huffman, and stored blocks) must decode through this class to exactly its input, which
   * only works when the end of each member and the trailer position are found where they are.
   *
   * @param sample bytes to compress, a mix of text and random stretches
   * @return null when it works, otherwise what went wrong
   */
  static String selfTest(IsalLibrary lib, byte[] sample) {
    try (Memory probe = new Memory(STATE_ALLOC)) {
      probe.setMemory(0, STATE_ALLOC, (byte) 0xa5);
      lib.api.isal_inflate_init(probe);
      if (probe.getLong(OFF_NEXT_OUT) != 0
          || probe.getLong(OFF_NEXT_IN) != 0
          || probe.getLong(OFF_READ_IN) != 0
          || probe.getInt(OFF_AVAIL_IN) != 0
          || probe.getInt(OFF_READ_IN_LENGTH) != 0) {
        return "isal_inflate_init does not clear the stream fields where expected";
      }
      if (probe.getInt(OFF_BLOCK_STATE) != ISAL_BLOCK_NEW_HDR || probe.getInt(OFF_BLOCK_STATE - 4) == 0) {
        return "block_state is not at offset " + OFF_BLOCK_STATE + " in this build of ISA-L";
      }
    } catch (RuntimeException | LinkageError e) {
      return "isal_inflate_init: " + e;
    }
    try {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
        g.write(sample);
      }
      new GZIPOutputStream(gz).close(); // an empty member
      Deflater stored = new Deflater(0, true);
      try {
        // A level-0 member: stored blocks, which ISA-L copies rather than decodes.
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(member, stored)) {
          d.write(sample, 0, 100);
        }
        CRC32 c = new CRC32();
        c.update(sample, 0, 100);
        gz.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        gz.write(member.toByteArray());
        writeIntLe(gz, (int) c.getValue());
        writeIntLe(gz, 100);
      } finally {
        stored.end();
      }
      byte[] expected = Arrays.copyOf(sample, sample.length + 100);
      System.arraycopy(sample, 0, expected, sample.length, 100);
      byte[] got;
      try (IsalGzipInputStream s = new IsalGzipInputStream(lib, new ByteArrayInputStream(gz.toByteArray()))) {
        // Small reads first (through this.out, leaving output inside ISA-L between calls), then large ones.
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        byte[] buf = new byte[1000];
        for (int i = 0; i < 20; i++) {
          int n = s.read(buf, 0, buf.length);
          if (n < 0) {
            break;
          }
          back.write(buf, 0, n);
        }
        back.write(s.readAllBytes());
        got = back.toByteArray();
      }
      if (!Arrays.equals(expected, got)) {
        return "inflate output (" + got.length + " bytes) differs from the input (" + expected.length + " bytes)";
      }
      return null;
    } catch (IOException | RuntimeException | LinkageError e) {
      return "inflate: " + e;
    }
  }

  private static void writeIntLe(ByteArrayOutputStream o, int v) {
    o.write(v);
    o.write(v >>> 8);
    o.write(v >>> 16);
    o.write(v >>> 24);
  }
}
