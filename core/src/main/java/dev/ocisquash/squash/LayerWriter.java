package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.compress.ByteBlocks;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.compress.Compressors;
import dev.ocisquash.compress.GzipEncoder;
import dev.ocisquash.compress.ZstdCompressingStream;
import dev.ocisquash.model.Digest;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link LayerPlan} as one tar layer, compressed, hashing the uncompressed bytes (diff_id)
 * and the compressed bytes (blob digest) in the same pass. Hardlink groups are written with the
 * first path in output order as the file and the others as links to it, so a link never precedes
 * its target.
 */
final class LayerWriter {
  private LayerWriter() {}

  /**
   * How a new layer is compressed. The same values give the same bytes; of them, the thread count
   * changes only the speed.
   *
   * @param compression the layer compression
   * @param gzipLevel gzip level, for gzip
   * @param gzipEncoder the gzip implementation, for gzip
   * @param zstdLevel zstd level, for zstd
   * @param threads compression threads
   */
  record Encoding(
      Compression compression, int gzipLevel, GzipEncoder gzipEncoder, int zstdLevel, int threads) {
    /** The encoding a squash's options ask for, with the compression already resolved. */
    static Encoding of(SquashOptions options, Compression compression) {
      return new Encoding(
          compression,
          options.gzipLevel(),
          options.gzipEncoder(),
          options.zstdLevel(),
          options.threads());
    }

    /**
     * A compressing stream into {@code out}, or null when the layer is not compressed.
     *
     * @param blockPool where gzip blocks are compressed, shared by layers written at once; null for
     *     the stream's own
     */
    @Nullable OutputStream open(OutputStream out, @Nullable ExecutorService blockPool)
        throws IOException {
      switch (compression) {
        case GZIP:
          // pigz-style blocks: same bytes whatever the thread count or pool.
          return Compressors.gzip(out, gzipLevel, threads, gzipEncoder, blockPool);
        case ZSTD:
          // Any worker count >= 1 gives the same frames; 0 (single-threaded mode) would not, so
          // never use 0.
          return ZstdCompressingStream.open(out, zstdLevel, Math.max(1, threads));
        default:
          return null;
      }
    }
  }

  /**
   * One layer to write.
   *
   * @param plan the entries, in output order
   * @param contents where the kept content is read back
   * @param encoding how the tar is compressed
   * @param sourceDateEpoch when non-null, later mtimes are clamped to it
   * @param progress told the bytes written
   * @param blockPool where gzip blocks are compressed when several layers are written at once; null
   *     for the compressing stream's own pool
   */
  record Request(
      LayerPlan plan,
      ContentStore contents,
      Encoding encoding,
      @Nullable Long sourceDateEpoch,
      Progress progress,
      @Nullable ExecutorService blockPool) {
    /** A request for a layer written alone, with its own compression threads. */
    Request(
        LayerPlan plan,
        ContentStore contents,
        Encoding encoding,
        @Nullable Long sourceDateEpoch,
        Progress progress) {
      this(plan, contents, encoding, sourceDateEpoch, progress, null);
    }
  }

  /**
   * What was written.
   *
   * @param diffId digest of the uncompressed tar
   * @param digest digest of the blob as written (the diff_id when uncompressed)
   * @param compressedSize bytes of the blob
   * @param uncompressedSize bytes of the tar
   * @param entries tar entries written
   * @param promoted hardlinks written as regular files
   */
  record Written(
      Digest diffId,
      Digest digest,
      long compressedSize,
      long uncompressedSize,
      long entries,
      long promoted) {}

  /** Entries counted while writing. */
  private record Counts(long entries, long promoted) {}

  /** Writes the layer of {@code request} to {@code file}, which it does not close. */
  static Written write(Request request, OutputStream file) throws IOException {
    Compression compression = request.encoding().compression();
    Progress progress = request.progress();
    HashingStream compressed = new HashingStream(file);
    OutputStream compressor = request.encoding().open(compressed, request.blockPool());
    HashingStream uncompressed = compressor == null ? compressed : new HashingStream(compressor);
    // Hashing, compressing and writing run on their own thread; this one reads content and frames
    // entries.
    HandoffOutputStream handoff = new HandoffOutputStream(uncompressed, "ocisquash-layer-output");
    Counts counts;
    boolean done = false;
    byte[] scratch = ByteBlocks.take();
    try {
      counts =
          writeEntries(
              request.plan(),
              request.contents(),
              new TarWriter(handoff),
              compression,
              request.sourceDateEpoch(),
              progress,
              scratch);
      handoff.close();
      done = true;
    } finally {
      if (!done) {
        handoff.abandon();
      }
      ByteBlocks.give(scratch);
    }
    progress.done();
    uncompressed.flush();
    if (compressor != null) {
      compressor.close(); // finishes the compressed stream; HashingStream does not close the file
    }
    compressed.flush();
    Digest diffId = uncompressed.digest();
    return new Written(
        diffId,
        uncompressed == compressed ? diffId : compressed.digest(),
        compressed.count,
        uncompressed.count,
        counts.entries(),
        counts.promoted());
  }

  /** Writes every item of the plan, in order, and the tar end marker. */
  private static Counts writeEntries(
      LayerPlan plan,
      ContentStore contents,
      TarWriter tar,
      Compression compression,
      @Nullable Long sourceDateEpoch,
      Progress progress,
      byte[] scratch)
      throws IOException {
    long entries = 0;
    long promoted = 0;
    OutputStream content = tar.contentStream();
    progress.stage(
        "write layer (" + compression.name().toLowerCase(java.util.Locale.ROOT) + ")",
        contentBytes(plan));
    for (LayerPlan.Item it : plan.items()) {
      entries++;
      if (it.file == null) {
        tar.putEntry(clamp(it.entry, sourceDateEpoch));
        tar.closeEntry();
        continue;
      }
      FileObject f = it.file;
      byte[] inKept = plan.inKeptLayers.get(f);
      if (inKept != null) {
        tar.putEntry(clamp(hardlink(f.resolvedEntry(), it.path, inKept), sourceDateEpoch));
        tar.closeEntry();
      } else if (f.writtenPath == null) {
        f.writtenPath = it.path;
        TarEntry e = renamed(f.resolvedEntry(), it.path);
        if (it.wasLink) {
          promoted++;
        }
        tar.putEntry(clamp(e, sourceDateEpoch));
        if (e.size() > 0) {
          if (!f.isReadable()) {
            throw new ImageException(
                Kind.INTERNAL,
                ImageException.where(
                    null, null, e.path(), "internal error: content was not captured"));
          }
          contents.copyTo(f, e.size(), content, scratch);
          progress.advance(e.size());
        }
        tar.closeEntry();
      } else {
        tar.putEntry(clamp(hardlink(f.resolvedEntry(), it.path, f.writtenPath), sourceDateEpoch));
        tar.closeEntry();
      }
    }
    tar.finish();
    return new Counts(entries, promoted);
  }

  /** The content bytes {@code plan} writes: each regular file once, however many names it has. */
  static long contentBytes(LayerPlan plan) {
    long total = 0;
    java.util.Set<FileObject> counted =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (LayerPlan.Item it : plan.items()) {
      FileObject f = it.file;
      if (f != null && f.resolvedEntry().type() == TarEntryType.REGULAR && counted.add(f)) {
        total += f.resolvedEntry().size();
      }
    }
    return total;
  }

  private static TarEntry clamp(TarEntry e, @Nullable Long epoch) {
    if (epoch == null
        || e.mtimeSeconds() < epoch
        || (e.mtimeSeconds() == epoch && e.mtimeNanos() == 0)) {
      return e;
    }
    return e.toBuilder().mtime(epoch, 0).build();
  }

  private static TarEntry renamed(TarEntry e, byte[] path) {
    if (Arrays.equals(e.pathBytes(), path)) {
      return e;
    }
    TarEntry.Builder b = e.toBuilder().path(path);
    if (e.paxExtras().containsKey("GNU.sparse.name")) {
      b.paxExtra("GNU.sparse.name", path);
    }
    return b.build();
  }

  /**
   * A link entry carrying the object's metadata, xattrs included, so any extractor sets the same
   * inode state.
   */
  private static TarEntry hardlink(TarEntry owner, byte[] path, byte[] target) {
    TarEntry.Builder b =
        TarEntry.builder(TarEntryType.HARDLINK, path)
            .linkTarget(target)
            .mode(owner.mode())
            .uid(owner.uid())
            .gid(owner.gid())
            .userName(owner.userName())
            .groupName(owner.groupName())
            .mtime(owner.mtimeSeconds(), owner.mtimeNanos());
    for (Map.Entry<String, byte[]> x : owner.xattrs().entrySet()) {
      b.xattr(x.getKey(), x.getValue());
    }
    return b.build();
  }

  /** Counts and hashes bytes on their way to the wrapped stream; never closes it. */
  static final class HashingStream extends FilterOutputStream {
    private final MessageDigest sha;
    long count;

    HashingStream(OutputStream out) {
      super(out);
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      sha.update((byte) b);
      count++;
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      sha.update(b, off, len);
      count += len;
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }

    Digest digest() {
      return Digest.sha256(sha.digest());
    }
  }
}
