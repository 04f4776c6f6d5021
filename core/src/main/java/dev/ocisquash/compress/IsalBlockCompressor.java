package dev.ocisquash.compress;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * {@link BlockCompressor} on Intel ISA-L's stateful {@code isal_deflate}, one fresh stream per
 * block: init, level and level buffer, {@code isal_deflate_set_dict} with the previous 32 KiB, then
 * one {@code isal_deflate} call over the whole block with {@code SYNC_FLUSH} (or {@code
 * end_of_stream} for the last block) into an output buffer larger than any block can need.
 *
 * <p>{@code struct isal_zstream} is not mapped as a JNA Structure: only its leading fields are
 * written, by offset, into a native block large enough for the whole struct. The offsets are those
 * of igzip_lib.h in ISA-L 2.30 (what Debian 12 ships) on LP64, unchanged in the current header:
 *
 * <pre>
 *  0 uint8_t *next_in      8 uint32_t avail_in    12 uint32_t total_in
 * 16 uint8_t *next_out    24 uint32_t avail_out   28 uint32_t total_out
 * 32 isal_hufftables *    40 uint32_t level       44 uint32_t level_buf_size   48 uint8_t *level_buf
 * 56 uint16_t end_of_stream  58 uint16_t flush    60 uint16_t gzip_flag        62 uint16_t hist_bits
 * 64 struct isal_zstate internal_state (82,320 bytes with the default 32 KiB history)
 * </pre>
 *
 * {@link IsalLibrary}'s self-test runs this class on the loaded library before it is chosen, so a
 * library with another layout is rejected rather than trusted.
 *
 * <p>Native memory (stream, level buffer, input and output, about 0.9 MiB) is allocated once per
 * worker and pooled; nothing native is allocated per block after warm-up.
 */
final class IsalBlockCompressor implements BlockCompressor {
  /** The ISA-L levels {@link #isalLevel} can return: the self-test covers each. */
  static final int[] USED_LEVELS = {1, 2, 3};

  private static final int OFF_NEXT_IN = 0;
  private static final int OFF_AVAIL_IN = 8;
  private static final int OFF_NEXT_OUT = 16;
  private static final int OFF_AVAIL_OUT = 24;
  private static final int OFF_LEVEL = 40;
  private static final int OFF_LEVEL_BUF_SIZE = 44;
  private static final int OFF_LEVEL_BUF = 48;
  private static final int OFF_END_OF_STREAM = 56;
  private static final int OFF_FLUSH = 58;
  private static final int OFF_GZIP_FLAG = 60;

  private static final short NO_FLUSH = 0;
  private static final short SYNC_FLUSH = 1;
  private static final short IGZIP_DEFLATE = 0; // raw deflate: the gzip header and trailer are ours

  /**
   * sizeof(struct isal_zstream) is 82,384 bytes in 2.30; the slack covers builds with extra fields.
   */
  private static final int STREAM_ALLOC = 256 * 1024;

  /**
   * ISAL_DEF_LVLn_DEFAULT from igzip_lib.h (the "large" size: 64 Ki intermediate tokens), which is
   * what the {@code igzip} tool uses. The size is part of the output's definition: it bounds how
   * many tokens go into one deflate block, so it is fixed here rather than tuned per machine.
   */
  private static final int[] LEVEL_BUF_SIZE = {
    0, // level 0 uses only the stream's own hash table
    4 * 1024
        + 2 * 8 * 1024
        + 4 * 64 * 1024, // LVL1: REQ (4 KiB + 2 * 8 Ki hash) + 4 B * 64 Ki tokens
    4 * 1024 + 2 * 32 * 1024 + 4 * 64 * 1024, // LVL2: REQ (4 KiB + 2 * 32 Ki hash) + tokens
    4 * 1024 + 4 * 4 * 1024 + 2 * 32 * 1024 + 4 * 64 * 1024, // LVL3: REQ (+ 16 KiB) + tokens
  };

  /**
   * ISA-L's writers stop when fewer than 8 bytes of output room remain, so a call that returns with
   * less room than this may not have finished its block; with the buffer sized below it never
   * happens, but it is checked.
   */
  private static final int MIN_ROOM = 8;

  /**
   * Output room for one block: ISA-L falls back to stored blocks when coding would expand, so a
   * block never needs much more than its input; a quarter more plus 4 KiB is far above that.
   */
  private static final int OUT_CAPACITY =
      ParallelGzipOutputStream.BLOCK_SIZE + ParallelGzipOutputStream.BLOCK_SIZE / 4 + 4096;

  private final IsalLibrary lib;
  private final int isalLevel;
  private final ConcurrentLinkedQueue<Context> pool = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  /**
   * @param lib a loaded library
   * @param isalLevel ISA-L level 0..3
   */
  IsalBlockCompressor(IsalLibrary lib, int isalLevel) {
    if (isalLevel < 0 || isalLevel > 3) {
      throw new IllegalArgumentException("ISA-L level must be 0..3: " + isalLevel);
    }
    this.lib = lib;
    this.isalLevel = isalLevel;
  }

  /**
   * The ISA-L level for a gzip level: 1 → 1, 2..6 (and -1, the default 6) → 2, 7..9 → 3. Level 0
   * (store) is not sent here: zlib's stored path is already a copy.
   *
   * <p>Why (measurements in benchmarks/README.md, section 2b): ISA-L has four levels against zlib's
   * nine, all far faster than zlib -6. Level 2 writes the same bytes with every x86-64 code path
   * that has SSE4.2 (checked with AVX-512 natively and SSE4.2, AVX and AVX2 under qemu), while
   * level 3 writes different bytes with AVX2, with AVX-512 and with the older paths, so image
   * digests would depend on the build machine's CPU. Level 2 is also ~1.5× faster than 3, for 1.5 %
   * more output (1.033× the size of Go's default gzip, estimated as zlib -6 + 8 %, against 1.018×
   * for level 3). So the default is level 2; 7..9 ask for the smallest output and get level 3.
   */
  static int isalLevel(int gzipLevel) {
    int l = gzipLevel < 0 ? 6 : gzipLevel;
    if (l <= 1) {
      return 1;
    }
    return l <= 6 ? 2 : 3;
  }

  @Override
  public byte[] compress(byte[] data, int len, byte @Nullable [] dict, boolean last) {
    if (len > ParallelGzipOutputStream.BLOCK_SIZE
        || (dict != null && dict.length > ParallelGzipOutputStream.DICT_SIZE)) {
      throw new IllegalArgumentException("block of " + len + " bytes exceeds the native buffers");
    }
    Context ctx = pool.poll();
    if (ctx == null) {
      ctx = new Context(LEVEL_BUF_SIZE[isalLevel]);
    }
    try {
      return compress(ctx, data, len, dict, last);
    } finally {
      if (closed) {
        ctx.free();
      } else {
        pool.add(ctx);
      }
    }
  }

  private byte[] compress(Context ctx, byte[] data, int len, byte @Nullable [] dict, boolean last) {
    Memory s = ctx.stream;
    // A fresh stream per block: the bytes must not depend on which worker (with which history) runs
    // the block.
    lib.api.isal_deflate_init(s);
    s.setInt(OFF_LEVEL, isalLevel);
    s.setInt(OFF_LEVEL_BUF_SIZE, LEVEL_BUF_SIZE[isalLevel]);
    s.setPointer(OFF_LEVEL_BUF, ctx.levelBuf);
    s.setShort(OFF_GZIP_FLAG, IGZIP_DEFLATE);
    if (dict != null) {
      ctx.dict.write(0, dict, 0, dict.length);
      int rc = lib.api.isal_deflate_set_dict(s, ctx.dict, dict.length);
      if (rc != 0) {
        throw new IllegalStateException("isal_deflate_set_dict returned " + rc);
      }
    }
    ctx.in.write(0, data, 0, len);
    s.setPointer(OFF_NEXT_IN, ctx.in);
    s.setInt(OFF_AVAIL_IN, len);
    s.setShort(OFF_END_OF_STREAM, (short) (last ? 1 : 0));
    s.setShort(OFF_FLUSH, last ? NO_FLUSH : SYNC_FLUSH);

    byte[] result = null;
    int n = 0;
    // One call does the whole block (the output buffer is larger than any block needs). The loop is
    // the general
    // ISA-L contract, kept so that an unexpectedly large output is drained and resumed instead of
    // truncated.
    for (int round = 0; ; round++) {
      s.setPointer(OFF_NEXT_OUT, ctx.out);
      s.setInt(OFF_AVAIL_OUT, OUT_CAPACITY);
      int rc = lib.api.isal_deflate(s);
      if (rc != 0) {
        throw new IllegalStateException("isal_deflate returned " + rc + " at level " + isalLevel);
      }
      int room = s.getInt(OFF_AVAIL_OUT);
      int produced = OUT_CAPACITY - room;
      if (result == null) {
        result = new byte[produced];
      } else {
        result = Arrays.copyOf(result, n + produced);
      }
      ctx.out.read(0, result, n, produced);
      n += produced;
      if (s.getInt(OFF_AVAIL_IN) == 0 && room >= MIN_ROOM) {
        break;
      }
      if (round >= 64) {
        throw new IllegalStateException(
            "isal_deflate made no progress on a " + len + " byte block");
      }
    }
    // A sync flush ends with an empty stored block; without it the next block would not start
    // byte-aligned and
    // the joined stream would be corrupt, so check rather than trust.
    if (!last
        && (n < 4
            || result[n - 4] != 0
            || result[n - 3] != 0
            || result[n - 2] != (byte) 0xff
            || result[n - 1] != (byte) 0xff)) {
      throw new IllegalStateException("ISA-L block does not end with a sync-flush marker");
    }
    return result;
  }

  @Override
  public void close() {
    closed = true;
    Context ctx;
    while ((ctx = pool.poll()) != null) {
      ctx.free();
    }
  }

  /** One worker's native memory. */
  private static final class Context {
    final Memory streamAlloc = new Memory(STREAM_ALLOC + 64);
    // igzip_lib.h asks for the stream's hash table to be cache-aligned; malloc gives only 16 bytes.
    final Memory stream = (Memory) streamAlloc.align(64);
    final @Nullable Memory levelBufAlloc;
    final @Nullable Pointer levelBuf;
    final Memory dict = new Memory(ParallelGzipOutputStream.DICT_SIZE);
    final Memory in = new Memory(ParallelGzipOutputStream.BLOCK_SIZE);
    final Memory out = new Memory(OUT_CAPACITY);

    Context(int levelBufSize) {
      // isal_deflate_init sets every field it reads; zeroing once keeps the rest of the struct
      // defined.
      streamAlloc.clear();
      if (levelBufSize > 0) {
        levelBufAlloc = new Memory(levelBufSize + 64);
        levelBuf = levelBufAlloc.align(64);
      } else {
        levelBufAlloc = null;
        levelBuf = null;
      }
    }

    void free() {
      streamAlloc.close();
      if (levelBufAlloc != null) {
        levelBufAlloc.close();
      }
      dict.close();
      in.close();
      out.close();
    }
  }
}
