package dev.ocisquash.compress;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * The native side of {@link IsalGzipInputStream}: ISA-L's {@code struct inflate_state} and the
 * native input and output buffers, read and written at fixed offsets through JNA. Apart from the
 * stream so that every assumption about ISA-L's memory layout sits in one class, next to the check
 * that proves it ({@link #checkLayout}).
 *
 * <p><b>Struct layout</b> ({@code igzip_lib.h} of ISA-L 2.30, LP64, checked against the disassembly
 * of Debian's {@code libisal.so.2.0.30}: {@code isal_inflate_init} zeroes 0..0x27 and
 * 0x52a8..0x52df):
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
 * The table sizes follow from {@code ISAL_DECODE_LONG_BITS} 12 and {@code ISAL_DECODE_SHORT_BITS}
 * 10, which changed in earlier releases, so {@code block_state} is the one offset that could differ
 * in another build. {@link #checkLayout} rejects a library where it does: it checks that {@code
 * isal_inflate_init} zeroes that word and not the one before it.
 *
 * <p>Native memory (the state, {@value #IN_CAPACITY} bytes of input, {@value #OUT_CAPACITY} of
 * output) is allocated once by the constructor and freed by {@link #free()}; nothing native is
 * allocated per call. Not thread-safe: the stream serialises every call, and {@code free}, on its
 * own lock.
 */
final class IsalInflateState {
  /** Raw input offered per call; the stream's Java input buffer has the same size and offsets. */
  static final int IN_CAPACITY = 128 * 1024;

  /** Most output per call. */
  static final int OUT_CAPACITY = 256 * 1024;

  /** Deflate's window: the most history a block may refer to ({@code IGZIP_HIST_SIZE}). */
  static final int HIST_SIZE = 32 * 1024;

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

  /**
   * sizeof(struct inflate_state) is 87,368 bytes in 2.30; allocate far more, so a bigger build is
   * still safe.
   */
  private static final int STATE_ALLOC = 256 * 1024;

  /**
   * Slack after the native buffers: ISA-L's vector code may load or store whole words near a
   * buffer's end. It is documented to stay inside {@code avail_in}/{@code avail_out}; the slack
   * makes a mistake there harmless.
   */
  private static final int SLACK = 4096;

  private final IsalLibrary lib;
  private final Memory stateAlloc;
  private final Memory state;
  private final Memory nativeIn;
  private final Memory nativeOut;
  private final Memory nativeDict;
  private final long nativeInAddress;
  private final long nativeOutAddress;
  private int availIn;

  /** Allocates the native memory; {@link #init()} must run before the first {@link #inflate}. */
  IsalInflateState(IsalLibrary lib) {
    this.lib = lib;
    stateAlloc = new Memory(STATE_ALLOC + 64);
    nativeIn = new Memory(IN_CAPACITY + SLACK);
    nativeOut = new Memory(OUT_CAPACITY + SLACK);
    nativeDict = new Memory(HIST_SIZE);
    // The struct holds 64-bit fields and lookup tables the vector code reads: align like the
    // deflate side does.
    state = (Memory) stateAlloc.align(64);
    stateAlloc.clear();
    nativeInAddress = Pointer.nativeValue(nativeIn);
    nativeOutAddress = Pointer.nativeValue(nativeOut);
  }

  /** Starts a new raw deflate stream. */
  void init() {
    // init, not reset: it also clears crc_flag (ISAL_DEFLATE) and hist_bits, so nothing past the
    // head is written.
    lib.api.isal_inflate_init(state);
  }

  /**
   * Starts the next block of the same deflate stream after ISA-L stopped at the end of one whose
   * BFINAL bit was forced ({@code block_state} {@code ISAL_BLOCK_FINISH}). Putting {@code
   * block_state} and {@code bfinal} back would not do: {@code isal_inflate} (igzip/igzip_inflate.c
   * of intel/isa-l v2.30.0, 2df39cf5f1b9ccaa2973f6ef273857e4dc46f0cf, and unchanged at
   * 8b7e3b28a2b7b816483d3f9e80162e11cebeaa70) saves the last 32 KiB of output into {@code
   * tmp_out_buffer} only while {@code block_state != ISAL_BLOCK_INPUT_DONE}, so after the final
   * block the history it would refer back to may be stale. So the state is reset ({@code
   * isal_inflate_reset}: stream position, block state, {@code tmp_out} indices; {@code crc_flag}
   * and {@code hist_bits} stay as {@code init} set them) and given the last output as a dictionary
   * ({@code isal_inflate_set_dict}, which copies it into {@code tmp_out_buffer}, the window ISA-L
   * refers back into, and checks distances against). Then the bits ISA-L had already loaded past
   * the block ({@code read_in}, which {@code reset} clears) are put back, so it reads on from the
   * same bit. (ISA-L 2.32.1, 848daed2b88a6966d130181399bf40cb3e263ad9, gives the whole bytes of
   * {@code read_in} back at {@code ISAL_BLOCK_FINISH} and drops the bits before them, which here
   * are the next header's first bits; such a build is not supported, as the end-of-member check
   * already was not: not tried, the self-test's decode of many blocks is expected to fail there.)
   *
   * @param dict {@code dict[off, off + len)}: the stream's last output, at most {@link #HIST_SIZE}
   *     bytes (all of it when less)
   * @param readIn the bits to put back, the first in bit 0
   * @param readInLength how many
   */
  void resume(byte[] dict, int off, int len, long readIn, int readInLength) throws IOException {
    lib.api.isal_inflate_reset(state);
    if (len > 0) {
      nativeDict.write(0, dict, off, len);
      int rc = lib.api.isal_inflate_set_dict(state, nativeDict, len);
      if (rc != 0) {
        throw new IOException("ISA-L isal_inflate_set_dict returned " + rc);
      }
    }
    state.setLong(OFF_READ_IN, readIn);
    state.setInt(OFF_READ_IN_LENGTH, readInLength);
  }

  /** The bits ISA-L has loaded but not decoded ({@code read_in}; {@link #readInLength} of them). */
  long readIn() {
    return state.getLong(OFF_READ_IN);
  }

  /** Sets bit 0 of {@code read_in}: the BFINAL bit of a header that starts there. */
  void forceFinalInReadIn() {
    state.setLong(OFF_READ_IN, state.getLong(OFF_READ_IN) | 1);
  }

  /**
   * Sets bit {@code bit} of the native input's byte {@code pos} (a copy of the Java input, which
   * stays as it was): the BFINAL bit of a header that starts there. A later {@link #loadInput} over
   * that byte undoes it.
   */
  void forceFinalInInput(int pos, int bit) {
    nativeIn.setByte(pos, (byte) (nativeIn.getByte(pos) | (1 << bit)));
  }

  /** Copies {@code in[from, from + len)} to the native input buffer at the same offset. */
  void loadInput(byte[] in, int from, int len) {
    nativeIn.write(from, in, from, len);
  }

  /**
   * One {@code isal_inflate} call over the native input's {@code [inPos, inPos + offered)}, as
   * loaded by {@link #loadInput}, into {@code dst}; afterwards {@link #availIn()} says how much of
   * the input was left.
   *
   * @return the bytes produced
   * @throws ZipException when ISA-L reports corrupt deflate data
   */
  int inflate(int inPos, int offered, byte[] dst, int off, int cap) throws IOException {
    state.setLong(OFF_NEXT_IN, nativeInAddress + inPos);
    state.setInt(OFF_AVAIL_IN, offered);
    state.setLong(OFF_NEXT_OUT, nativeOutAddress);
    state.setInt(OFF_AVAIL_OUT, cap);
    int rc = lib.api.isal_inflate(state);
    int left = state.getInt(OFF_AVAIL_IN);
    int produced = cap - state.getInt(OFF_AVAIL_OUT);
    if (left < 0 || left > offered || produced < 0 || produced > cap) {
      throw new IOException(
          "ISA-L inflate state is inconsistent (avail_in "
              + left
              + " of "
              + offered
              + ", produced "
              + produced
              + " of "
              + cap
              + ")");
    }
    availIn = left;
    if (rc < 0) {
      throw new ZipException(errorMessage(rc));
    }
    if (produced > 0) {
      nativeOut.read(0, dst, off, produced);
    }
    return produced;
  }

  /**
   * Bits ISA-L has taken from the input but not decoded yet ({@code read_in_length}): its position
   * in the deflate stream is that many bits before the first input byte it left.
   */
  int readInLength() throws IOException {
    int bits = state.getInt(OFF_READ_IN_LENGTH);
    if (bits < 0 || bits > 64) {
      throw new IOException("ISA-L inflate state is inconsistent (read_in_length " + bits + ")");
    }
    return bits;
  }

  /** Input bytes the last {@link #inflate} call left unconsumed (also after it failed). */
  int availIn() {
    return availIn;
  }

  /** Whether the final block has been decoded and all its output handed out. */
  boolean finished() {
    return state.getInt(OFF_BLOCK_STATE) == ISAL_BLOCK_FINISH;
  }

  /**
   * After the final block: ISA-L keeps up to 8 bytes it read past it in its bit buffer ({@code
   * read_in}, {@code read_in_length} bits) and, in raw-deflate mode, does not give them back.
   * Copies their whole bytes to {@code dst} (at least 8 long), dropping the final byte's padding
   * bits.
   *
   * @return how many bytes
   */
  int handBack(byte[] dst) throws IOException {
    int bits = readInLength();
    // The low (bits % 8) bits finish the final block's last byte: padding, not data.
    long v = state.getLong(OFF_READ_IN) >>> (bits % 8);
    int k = bits / 8;
    for (int i = 0; i < k; i++) {
      dst[i] = (byte) (v >>> (8 * i));
    }
    return k;
  }

  /** Frees the native memory; no other method may be called afterwards. */
  void free() {
    stateAlloc.close();
    nativeIn.close();
    nativeOut.close();
    nativeDict.close();
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

  /**
   * The layout half of the self-test: {@code isal_inflate_init} must zero the head fields and
   * {@code block_state} (and not the word before it) of a block filled with a pattern.
   *
   * @return null when the layout matches, otherwise what went wrong
   */
  static @Nullable String checkLayout(IsalLibrary lib) {
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
      if (probe.getInt(OFF_BLOCK_STATE) != ISAL_BLOCK_NEW_HDR
          || probe.getInt(OFF_BLOCK_STATE - 4) == 0) {
        return "block_state is not at offset " + OFF_BLOCK_STATE + " in this build of ISA-L";
      }
    } catch (RuntimeException | LinkageError e) {
      return "isal_inflate_init: " + e;
    }
    return null;
  }
}
