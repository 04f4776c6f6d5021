package dev.ocisquash.compress;

/**
 * Compresses one block of a {@link ParallelGzipOutputStream} into raw deflate: primed with the preceding input as a
 * preset dictionary, and ended with a sync flush (an empty stored block, so the next block starts byte-aligned) or,
 * for the last block, finished (BFINAL set). Concatenating the results of all blocks gives one deflate stream.
 *
 * <p>Implementations are called from several worker threads at once and keep their native state in a pool, so
 * that nothing native is allocated per block once every worker has one.
 */
interface BlockCompressor extends AutoCloseable {
  /**
   * Compresses {@code data[0, len)}.
   *
   * @param dict the {@link ParallelGzipOutputStream#DICT_SIZE} bytes of input before this block, or null for the
   *     first block
   * @param last whether to finish the deflate stream instead of sync-flushing
   * @return the compressed bytes, exactly sized
   */
  byte[] compress(byte[] data, int len, byte[] dict, boolean last);

  /** Releases pooled native state; called once no block is being compressed any more. */
  @Override
  void close();
}
