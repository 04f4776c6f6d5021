package dev.ocisquash.compress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * A parallel gzip writer whose output depends only on the input, the level and the encoder, never
 * on the thread count or on how callers split their writes.
 *
 * <p>The input is cut into blocks at fixed offsets, and the blocks are compressed on worker threads
 * in one of two layouts (see {@link BlockCompressor}), chosen by the encoder:
 *
 * <ul>
 *   <li>pigz-style chained blocks of {@value #BLOCK_SIZE} bytes (ISA-L and the JDK's zlib): each
 *       block's raw deflater is primed with the preceding {@value #DICT_SIZE} bytes of input as a
 *       preset dictionary (so the ratio stays within a fraction of a percent of single-stream
 *       compression) and ended with a sync flush so that the next block's bits start on a byte
 *       boundary; the last block is finished instead. The blocks are written in order as one gzip
 *       member with a fixed header (MTIME 0, no name, OS 255) and a CRC32/ISIZE trailer over the
 *       whole input. It is not byte-identical to one zlib stream over the same input because of the
 *       sync-flush markers;
 *   <li>independent gzip members of {@value #MEMBER_SIZE} bytes of input (libdeflate, which has no
 *       preset dictionary): each block is a whole gzip member with that same header, and the output
 *       is their concatenation, which gzip readers (zlib's gzip tool, Go's {@code compress/gzip} in
 *       skopeo, podman, containerd and docker, {@link Decompressors}) read as one stream; the JDK's
 *       {@code GZIPInputStream} before Java 23 does too, except on a stream whose {@code
 *       available()} returns 0 between members, such as a pipe.
 * </ul>
 *
 * <p>The {@link GzipEncoder} given to the constructor picks the implementation: the JDK's zlib
 * {@code Deflater} ({@link GzipEncoder#ZLIB}, what the constructors without an encoder use, so
 * their bytes are unchanged), libdeflate ({@link GzipEncoder#LIBDEFLATE}, about 3.5 times zlib's
 * speed per core, same size class) or Intel ISA-L ({@link GzipEncoder#ISAL}, about ten times
 * faster, output about 5 % larger), both through JNA; {@link GzipEncoder#AUTO} resolves per level
 * as that enum says. ISA-L has levels 0..3; gzip levels map as 1 → 1, 2..6 → 2, 7..9 → 3.
 * libdeflate runs gzip levels 1..4 and 7..9 as its own, 5 and 6 at its level 4. Level 0 (store) is
 * written by zlib with every encoder. ISA-L picks SSE/AVX/AVX2/AVX-512 code at run time: at gzip
 * levels 1..6 its output was the same on every x86-64 path with SSE4.2, at 7..9 it differs between
 * AVX2, AVX-512 and older CPUs. libdeflate's output does not depend on the CPU. Native output is
 * reproducible for the same library version; choose {@link GzipEncoder#ZLIB} where identical bytes
 * on any machine and library version matter. {@link GzipEncoderChoice} makes that choice and builds
 * the block compressor; this class only compresses.
 *
 * <p>Memory is bounded: at most {@code 3 * threads} blocks are in flight; {@code write} blocks on
 * the oldest one when that many are queued. A failure in a worker is rethrown from the next {@code
 * write}, {@code finish} or {@code close}. With {@code threads <= 1} blocks are compressed on the
 * calling thread, with the same bytes.
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class ParallelGzipOutputStream extends FilterOutputStream {
  /** Uncompressed bytes per independently compressed block (pigz's default). */
  public static final int BLOCK_SIZE = 128 * 1024;

  /** Bytes of preceding input given to each block's deflater: deflate's whole window. */
  public static final int DICT_SIZE = 32 * 1024;

  /**
   * Uncompressed bytes per independent gzip member (libdeflate): large enough that the members'
   * lost history and headers cost about 0.1 % of size, small enough that two blocks per thread keep
   * every core busy on small layers.
   */
  public static final int MEMBER_SIZE = 1024 * 1024;

  private static final int IN_FLIGHT_PER_THREAD = 3;

  private final int threads;
  private final @Nullable ExecutorService executor;
  private final boolean ownsExecutor;
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final int maxInFlight;
  private final GzipEncoder encoder;
  private final BlockCompressor compressor;
  private final ArrayDeque<byte[]> freeBlocks = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private long isize;

  private final int blockSize;
  private final boolean members;
  private byte[] block; // an empty array once released
  private int blockCount;
  private byte @Nullable []
      dict; // last DICT_SIZE bytes of the previous block, or null for the first block
  private boolean finished;
  private boolean closed;
  private @Nullable IOException failure;

  /**
   * Starts a gzip stream compressed by the JDK Deflater ({@link GzipEncoder#ZLIB}) with its own
   * pool of {@code threads} daemon threads, shut down by {@link #close()}.
   *
   * @param out the target; closed by {@link #close()}, not by {@link #finish()}
   * @param level deflate level 0..9, or -1 for zlib's default (6)
   * @param threads compression threads; {@code <= 1} compresses on the calling thread
   */
  public ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    this(out, level, threads, null);
  }

  /**
   * Starts a gzip stream compressed by the JDK Deflater ({@link GzipEncoder#ZLIB}) that runs its
   * blocks on a caller-supplied executor, which is not shut down by {@link #close()}.
   *
   * @param out the target; closed by {@link #close()}, not by {@link #finish()}
   * @param level deflate level 0..9, or -1 for zlib's default (6)
   * @param threads how many blocks may be compressed at once; bounds memory together with the
   *     executor's size
   * @param executor where blocks are compressed; null to create (and own) a pool of {@code threads}
   *     threads
   */
  public ParallelGzipOutputStream(
      OutputStream out, int level, int threads, @Nullable ExecutorService executor)
      throws IOException {
    this(out, level, threads, executor, GzipEncoder.ZLIB);
  }

  /**
   * Starts a gzip stream compressed by the given encoder.
   *
   * @param out the target; closed by {@link #close()}, not by {@link #finish()}
   * @param level deflate level 0..9, or -1 for the default (6); see the class comment for ISA-L's
   *     levels
   * @param threads how many blocks may be compressed at once; bounds memory together with the
   *     executor's size
   * @param executor where blocks are compressed; null to create (and own) a pool of {@code threads}
   *     threads when {@code threads > 1}
   * @param encoder which deflate implementation compresses the blocks
   * @throws IOException when {@code encoder} is {@link GzipEncoder#ISAL} and ISA-L cannot be loaded
   *     (the message says why and how to install it), or when the header cannot be written
   */
  public ParallelGzipOutputStream(
      OutputStream out,
      int level,
      int threads,
      @Nullable ExecutorService executor,
      GzipEncoder encoder)
      throws IOException {
    this(out, level, threads, executor, GzipEncoderChoice.open(encoder, level));
  }

  /**
   * Starts a gzip stream that compresses with what {@link GzipEncoderChoice} chose; it closes the
   * compressor.
   */
  private ParallelGzipOutputStream(
      OutputStream out,
      int level,
      int threads,
      @Nullable ExecutorService executor,
      GzipEncoderChoice choice)
      throws IOException {
    super(out);
    this.encoder = choice.encoder();
    this.compressor = choice.compressor();
    this.blockSize = compressor.blockSize();
    this.members = compressor.independentMembers();
    this.block = newBlock();
    this.threads = Math.max(1, threads);
    this.maxInFlight = IN_FLIGHT_PER_THREAD * this.threads;
    if (executor != null) {
      this.executor = executor;
      this.ownsExecutor = false;
    } else if (this.threads > 1) {
      this.executor = Executors.newFixedThreadPool(this.threads, daemonThreads());
      this.ownsExecutor = true;
    } else {
      this.executor = null;
      this.ownsExecutor = false;
    }
    if (!members) {
      out.write(header(xfl(level)));
    }
  }

  /** RFC 1952 XFL for a gzip level: 2 (maximum compression) for 9, 4 (fastest) for 1, else 0. */
  static byte xfl(int level) {
    return (byte) (level == 9 ? 2 : level == 1 ? 4 : 0);
  }

  /**
   * The 10-byte gzip member header every encoder writes: deflate, no flags, MTIME 0, the given XFL,
   * OS 255.
   */
  static byte[] header(byte xfl) {
    return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, xfl, (byte) 0xff};
  }

  /**
   * Which deflate implementation the process-wide default encoder ({@link
   * GzipEncoder#fromSystemProperty()}, normally {@link GzipEncoder#AUTO}) resolves to, for {@code
   * --version} and run summaries; e.g. "gzip: ISA-L 2.30 (libisal.so.2.0.30) level 2 for gzip level
   * 6, pigz-style parallel blocks of 128 KiB with 32 KiB dictionary".
   */
  public static String describe() {
    return Compressors.describe();
  }

  /**
   * The encoder actually used: {@link GzipEncoder#LIBDEFLATE}, {@code ISAL} or {@code ZLIB}, never
   * {@code AUTO}.
   */
  public GzipEncoder encoder() {
    return encoder;
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (blockCount == blockSize) {
      submitBlock(false);
    }
    block[blockCount++] = (byte) b;
    if (!members) {
      crc.update(b);
      isize++;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    Objects.checkFromIndexSize(off, len, b.length);
    if (!members) {
      // Members carry their own trailers, computed on the workers.
      crc.update(b, off, len);
      isize += len;
    }
    while (len > 0) {
      // A full block is only sent once more input arrives, so the final block is never empty unless
      // the
      // whole input is: boundaries then depend on the input length alone.
      if (blockCount == blockSize) {
        submitBlock(false);
      }
      int n = Math.min(len, blockSize - blockCount);
      System.arraycopy(b, off, block, blockCount, n);
      blockCount += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Compresses the last block, writes every pending block and (for chained blocks) the CRC32/ISIZE
   * trailer; the target stays open. Idempotent.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      submitBlock(true);
      while (!inFlight.isEmpty()) {
        writeOldest();
      }
      if (!members) {
        long c = crc.getValue();
        byte[] trailer = {
          (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
          (byte) isize, (byte) (isize >>> 8), (byte) (isize >>> 16), (byte) (isize >>> 24)
        };
        out.write(trailer);
      }
      finished = true;
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * Flushes the target only: a deflate flush here would make the output depend on when callers
   * flush.
   */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /**
   * Finishes the gzip stream and closes the target. Native compressor state and an owned thread
   * pool are released even when finishing fails.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (failure == null) {
        finish();
      }
    } finally {
      try {
        out.close();
      } finally {
        release();
      }
    }
    if (failure != null && !finished) {
      // A new instance: rethrowing the stored one would make try-with-resources suppress it into
      // itself.
      throw new IOException("gzip stream failed earlier: " + failure.getMessage(), failure);
    }
  }

  private void ensureOpen() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (finished) {
      throw new IllegalStateException("gzip stream already finished");
    }
  }

  private void submitBlock(boolean last) throws IOException {
    byte[] data = block;
    int len = blockCount;
    byte @Nullable [] blockDict = dict;
    // The next block's dictionary: the tail of this block. Blocks before the last are always full,
    // so it is
    // always a whole window; copying it keeps this block's array free for reuse once its job is
    // written.
    // Independent members take no dictionary.
    if (!last) {
      if (!members) {
        byte[] d = new byte[DICT_SIZE];
        System.arraycopy(data, len - DICT_SIZE, d, 0, DICT_SIZE);
        dict = d;
      }
      byte[] reused;
      synchronized (freeBlocks) {
        reused = freeBlocks.poll();
      }
      block = reused != null ? reused : newBlock();
      blockCount = 0;
    }
    try {
      if (executor == null) {
        byte[] compressed = compress(data, len, blockDict, last);
        out.write(compressed);
        if (!last) {
          synchronized (freeBlocks) {
            freeBlocks.push(data); // compressed already: the next block can reuse it
          }
        }
        return;
      }
      while (inFlight.size() >= maxInFlight) {
        writeOldest();
      }
      Future<byte[]> f =
          executor.submit(
              () -> {
                byte[] compressed = compress(data, len, blockDict, last);
                if (!last) {
                  // Hand the input array back: compress() no longer needs it. Guarded by the
                  // deque's own
                  // monitor because the writer thread pops concurrently.
                  synchronized (freeBlocks) {
                    if (freeBlocks.size() < maxInFlight) {
                      freeBlocks.push(data);
                    }
                  }
                }
                return compressed;
              });
      inFlight.add(f);
    } catch (IOException e) {
      fail(e);
      throw e;
    } catch (RuntimeException e) {
      // e.g. RejectedExecutionException from a shut-down executor: callers of an OutputStream
      // expect IOException.
      IOException io = new IOException("gzip block could not be compressed: " + e, e);
      fail(io);
      throw io;
    }
  }

  private void writeOldest() throws IOException {
    Future<byte[]> f = inFlight.poll();
    byte[] compressed;
    try {
      compressed = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a gzip block");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw new IOException("gzip block compression failed: " + cause.getMessage(), cause);
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException("gzip block compression failed", cause);
    } catch (CancellationException e) {
      throw new IOException("gzip block compression was cancelled", e);
    }
    out.write(compressed);
  }

  /** Compresses one block; runs on a worker thread (or the caller's when single-threaded). */
  private byte[] compress(byte[] data, int len, byte @Nullable [] blockDict, boolean last) {
    return compressor.compress(data, len, blockDict, last);
  }

  private void fail(Throwable e) {
    if (failure == null) {
      failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  /** A block buffer: from the shared pool when blocks are members ({@link ByteBlocks#SIZE}). */
  private byte[] newBlock() {
    return blockSize == ByteBlocks.SIZE ? ByteBlocks.take() : new byte[blockSize];
  }

  private void release() {
    if (finished) {
      // Every job is done: the free blocks and the last one are no longer read by anyone.
      synchronized (freeBlocks) {
        for (byte[] b : freeBlocks) {
          ByteBlocks.give(b);
        }
        freeBlocks.clear();
      }
      ByteBlocks.give(block);
      block = new byte[0];
    }
    for (Future<byte[]> f : inFlight) {
      f.cancel(false);
    }
    inFlight.clear();
    if (ownsExecutor && executor != null) {
      executor.shutdownNow();
      try {
        // Wait so that no worker still holds native compressor state we are about to free.
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    compressor.close();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "ocisquash-gzip-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
