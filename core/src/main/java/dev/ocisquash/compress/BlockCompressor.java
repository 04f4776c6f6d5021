package dev.ocisquash.compress;

import org.jspecify.annotations.Nullable;

/**
 * Compresses one block of a {@link ParallelGzipOutputStream}, in one of two layouts:
 *
 * <ul>
 *   <li>chained ({@link #independentMembers()} false): raw deflate, primed with the preceding input
 *       as a preset dictionary, and ended with a sync flush (an empty stored block, so the next
 *       block starts byte-aligned) or, for the last block, finished (BFINAL set). Concatenating the
 *       results of all blocks gives one deflate stream, which the output stream wraps in one gzip
 *       header and trailer;
 *   <li>independent members ({@link #independentMembers()} true): a whole gzip member (header,
 *       deflate, CRC32 and ISIZE trailer) of the block alone, without dictionary; the output is the
 *       concatenation of the members.
 * </ul>
 *
 * <p>Implementations are called from several worker threads at once and keep their native state in
 * a pool, so that nothing native is allocated per block once every worker has one.
 */
interface BlockCompressor extends AutoCloseable {
  /**
   * Compresses {@code data[0, len)}.
   *
   * @param dict the {@link ParallelGzipOutputStream#DICT_SIZE} bytes of input before this block, or
   *     null for the first block; always null for independent members
   * @param last whether to finish the deflate stream instead of sync-flushing (chained layout only)
   * @return the compressed bytes, exactly sized
   */
  byte[] compress(byte[] data, int len, byte @Nullable [] dict, boolean last);

  /** Uncompressed bytes per block: every block but the last is exactly this long. */
  default int blockSize() {
    return ParallelGzipOutputStream.BLOCK_SIZE;
  }

  /** Whether each block is a complete gzip member (see the class comment). */
  default boolean independentMembers() {
    return false;
  }

  /** Releases pooled native state; called once no block is being compressed any more. */
  @Override
  void close();
}
