package dev.ocisquash.compress;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * {@link BlockCompressor} on libdeflate's whole-buffer {@code libdeflate_deflate_compress}: each
 * block of {@value ParallelGzipOutputStream#MEMBER_SIZE} bytes becomes one independent gzip member
 * (the header and the CRC32/ISIZE trailer are written here, the same header as the other encoders),
 * so the output is a multi-member gzip file that every gzip reader decompresses whole.
 *
 * <p>A member whose bytes look already compressed ({@link #looksIncompressible}) is written as
 * stored deflate blocks without calling libdeflate, which could not shrink it anyway.
 *
 * <p>libdeflate has no preset dictionary or sync flush, which is why the blocks are whole members
 * rather than chained deflate blocks; at 1 MiB the members cost about 0.1 % of size, far less than
 * libdeflate's better matching gains over zlib (measurements in benchmarks/README.md, section 2d).
 *
 * <p>The bytes depend only on the input, the level and libdeflate's own code: its compressor is
 * deterministic, and its CPU-specific code (SSE2/AVX2 in the match finder's table initialisation
 * and in CRC32) computes the same values on every path. A libdeflate release may change its parsing
 * and so the bytes, as ISA-L's may; {@code LibdeflateGzipTest} pins them for the version CI
 * installs.
 *
 * <p>Native memory (compressor, about 0.6 MiB at level 6, plus input and output buffers of about 1
 * MiB each) is allocated once per worker and pooled.
 */
final class LibdeflateMemberCompressor implements BlockCompressor {
  private final LibdeflateLibrary lib;
  private final int level;
  private final byte xfl;
  private final ConcurrentLinkedQueue<Context> pool = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  /**
   * @param lib a loaded library
   * @param gzipLevel gzip level 1..9, or -1 for 6; see {@link #libdeflateLevel} for the level
   *     libdeflate runs at
   */
  LibdeflateMemberCompressor(LibdeflateLibrary lib, int gzipLevel) {
    int l = gzipLevel < 0 ? 6 : gzipLevel;
    if (l < 1 || l > 9) {
      throw new IllegalArgumentException("gzip level must be 1..9 here: " + gzipLevel);
    }
    this.lib = lib;
    this.level = libdeflateLevel(l);
    this.xfl = ParallelGzipOutputStream.xfl(l);
  }

  /**
   * The libdeflate level for a gzip level: 1..4 as asked, 5 and 6 (and -1, the default) → 4, 7..9
   * as asked.
   *
   * <p>Why (measurements in benchmarks/README.md, section 2d): the default level asks for zlib
   * -6-class size, and libdeflate reaches it at its level 4: on the realistic Debian image's 1.6 GB
   * squashed tar, 870.5 MB against 891 MB for buildah's squash (0.977×), where level 6 gives 860.8
   * MB (0.967×) for 25 % more CPU time (18.8 against 15.0 CPU-seconds for the whole squash), which
   * would take a 2-core run below 5× buildah's speed. Levels 7..9 ask for the smallest output and
   * get libdeflate's slower levels of the same number.
   */
  static int libdeflateLevel(int gzipLevel) {
    int l = gzipLevel < 0 ? 6 : gzipLevel;
    return l <= 6 ? Math.min(l, 4) : l;
  }

  @Override
  public int blockSize() {
    return ParallelGzipOutputStream.MEMBER_SIZE;
  }

  @Override
  public boolean independentMembers() {
    return true;
  }

  @Override
  public byte[] compress(byte[] data, int len, byte @Nullable [] dict, boolean last) {
    if (len > ParallelGzipOutputStream.MEMBER_SIZE || dict != null) {
      throw new IllegalArgumentException("a member takes at most one block and no dictionary");
    }
    Context ctx = pool.poll();
    if (ctx == null) {
      ctx = new Context();
    }
    try {
      return compress(ctx, data, len);
    } finally {
      if (closed) {
        ctx.free();
      } else {
        pool.add(ctx);
      }
    }
  }

  private byte[] compress(Context ctx, byte[] data, int len) {
    byte[] member;
    int t;
    if (looksIncompressible(data, len)) {
      member = new byte[10 + storedSize(len) + 8];
      t = writeStored(data, len, member, 10);
    } else {
      ctx.in.write(0, data, 0, len);
      long n =
          lib.api.libdeflate_deflate_compress(
              ctx.compressor, ctx.in, len, ctx.out, ctx.outCapacity);
      if (n <= 0) {
        // Cannot happen with an output buffer of compress_bound bytes; checked rather than trusted.
        throw new IllegalStateException(
            "libdeflate_deflate_compress returned " + n + " for " + len + " bytes");
      }
      member = new byte[10 + (int) n + 8];
      ctx.out.read(0, member, 10, (int) n);
      t = 10 + (int) n;
    }
    byte[] header = ParallelGzipOutputStream.header(xfl);
    System.arraycopy(header, 0, member, 0, header.length);
    CRC32 crc = new CRC32();
    crc.update(data, 0, len);
    long c = crc.getValue();
    member[t] = (byte) c;
    member[t + 1] = (byte) (c >>> 8);
    member[t + 2] = (byte) (c >>> 16);
    member[t + 3] = (byte) (c >>> 24);
    member[t + 4] = (byte) len;
    member[t + 5] = (byte) (len >>> 8);
    member[t + 6] = (byte) (len >>> 16);
    member[t + 7] = (byte) (len >>> 24);
    return member;
  }

  /**
   * Members shorter than this are always compressed: too few samples to judge, too little to save.
   */
  static final int MIN_JUDGED = 64 * 1024;

  /** Every this many bytes is counted: coprime to the 2, 4 and 8-byte strides of binary records. */
  private static final int SAMPLE_STRIDE = 5;

  /**
   * Whether {@code data[0, len)} is already compressed (or random) data that deflate cannot shrink,
   * judged from its byte histogram: the sum of squared byte counts of a sample is within 1 % of
   * what evenly spread bytes give ({@code 256 * sum(count^2) < 1.01 * samples^2}; random data is
   * about 0.1 % above, text and binaries several times). Such members are stored instead of
   * compressed: on the realistic Debian image (.deb archives, jars, src.zip) that is 23 % of the
   * layer for 0.05 % more output, and libdeflate would spend about a quarter of its time on them
   * (benchmarks/README.md, section 2d). Integer arithmetic only, so the decision, and the bytes,
   * are the same on every machine.
   */
  static boolean looksIncompressible(byte[] data, int len) {
    if (len < MIN_JUDGED) {
      return false;
    }
    int[] counts = new int[256];
    long samples = 0;
    for (int i = 0; i < len; i += SAMPLE_STRIDE) {
      counts[data[i] & 0xff]++;
      samples++;
    }
    long sumSquares = 0;
    for (int c : counts) {
      sumSquares += (long) c * c;
    }
    return 25_600 * sumSquares < 101 * samples * samples;
  }

  /**
   * Bytes of raw deflate that {@link #writeStored} writes for {@code len} bytes: 5 bytes per stored
   * block.
   */
  static int storedSize(int len) {
    int blocks = Math.max(1, (len + STORED_MAX - 1) / STORED_MAX);
    return len + 5 * blocks;
  }

  private static final int STORED_MAX = 65_535;

  /**
   * Writes {@code data[0, len)} as raw deflate stored blocks (RFC 1951 3.2.4: BFINAL on the last,
   * BTYPE 00, LEN, NLEN, the bytes), the last one final.
   *
   * @return the offset after the last block
   */
  static int writeStored(byte[] data, int len, byte[] out, int off) {
    int pos = 0;
    do {
      int n = Math.min(STORED_MAX, len - pos);
      boolean last = pos + n == len;
      out[off++] = (byte) (last ? 1 : 0);
      out[off++] = (byte) n;
      out[off++] = (byte) (n >>> 8);
      out[off++] = (byte) ~n;
      out[off++] = (byte) (~n >>> 8);
      System.arraycopy(data, pos, out, off, n);
      off += n;
      pos += n;
    } while (pos < len);
    return off;
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
  private final class Context {
    final Pointer compressor;
    final Memory in = new Memory(ParallelGzipOutputStream.MEMBER_SIZE);
    final long outCapacity;
    final Memory out;

    Context() {
      compressor = lib.api.libdeflate_alloc_compressor(level);
      if (compressor == null) {
        throw new IllegalStateException(
            "libdeflate_alloc_compressor(" + level + ") failed (out of memory?)");
      }
      outCapacity =
          lib.api.libdeflate_deflate_compress_bound(
              compressor, ParallelGzipOutputStream.MEMBER_SIZE);
      out = new Memory(outCapacity);
    }

    void free() {
      lib.api.libdeflate_free_compressor(compressor);
      in.close();
      out.close();
    }
  }
}
