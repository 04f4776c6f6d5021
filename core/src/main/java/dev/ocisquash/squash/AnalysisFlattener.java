package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import dev.ocisquash.tar.Whiteouts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Streams every layer of an image once, newest first, through the same decision core as {@link
 * Squasher}, and returns what a squash of the whole image would contain, without writing anything.
 * Used by the analysis report.
 *
 * <pre>{@code
 * try (SourceImage img = ImageArchives.open(path, ImageSelector.any())) {
 *   FlattenedImage f = AnalysisFlattener.flatten(img, false);
 *   long finalBytes = f.finalContentBytes();
 * }
 * }</pre>
 *
 * <p>Memory grows with the number of paths, never with content sizes: content is only hashed as it
 * streams past (when asked), never kept.
 */
public final class AnalysisFlattener {
  private static final int BUFFER = 1 << 16;

  private AnalysisFlattener() {}

  /**
   * Flattens an image.
   *
   * @param image the opened image
   * @param hashContent whether to compute the sha256 of every regular file that ends up in the
   *     final tree
   * @return per-layer statistics and the final tree
   * @throws ImageException for bad input (corrupt layers, dangling hardlinks...)
   * @throws IOException on read failures
   */
  public static FlattenedImage flatten(SourceImage image, boolean hashContent) throws IOException {
    return flatten(image, hashContent, (Path) null);
  }

  /**
   * Flattens an image and, with a {@code captureDir}, keeps the content of the files the strip
   * safety checks read (ELF files, {@code #!} scripts, {@code etc/ld.so.conf*}) in a temporary file
   * there, so planning strip rules needs no second read of the layers. Close the result to delete
   * it.
   */
  public static FlattenedImage flatten(
      SourceImage image, boolean hashContent, @Nullable Path captureDir) throws IOException {
    return flatten(image, hashContent, captureDir, Limits.defaults(), TempFiles.none());
  }

  /**
   * Flattens an image as {@link #flatten(SourceImage, boolean, Path)} does, counting every
   * decompressed byte and entry against {@code limits} (hostile input stops at the limit, as a
   * squash does) and registering the capture file with {@code tempFiles} for deletion on
   * interruption.
   */
  public static FlattenedImage flatten(
      SourceImage image,
      boolean hashContent,
      @Nullable Path captureDir,
      Limits limits,
      TempFiles tempFiles)
      throws IOException {
    Spool spool = captureDir == null ? null : new Spool(captureDir, tempFiles, image.source());
    try {
      return flattenInto(image, hashContent, spool, limits.newMeter());
    } catch (IOException | RuntimeException e) {
      if (spool != null) {
        spool.close();
      }
      throw e;
    }
  }

  private static FlattenedImage flattenInto(
      SourceImage image, boolean hashContent, @Nullable Spool spool, Limits.Meter meter)
      throws IOException {
    Map<Long, Long> captured = new HashMap<>();
    List<SourceLayer> layers = image.layers();
    if (layers.isEmpty()) {
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT,
          ImageException.where(image.source(), null, null, "the image has no layers"));
    }
    SquashPlanner planner = new SquashPlanner();
    IdentityHashMap<FileObject, Origin> origins = new IdentityHashMap<>();
    FlattenedImage.LayerStats[] stats = new FlattenedImage.LayerStats[layers.size()];
    MessageDigest sha = hashContent ? sha256() : null;
    byte[] buf = new byte[BUFFER];
    LayerScan.run(
        image,
        0,
        meter,
        Progress.NONE,
        new LayerScan.Visitor() {
          private int index;
          private long entries;
          private long whiteouts;
          private long regular;
          private long contentBytes;

          @Override
          public void beginLayer(int i, SourceLayer layer, String context) throws IOException {
            planner.beginLayer(i, context, false);
            index = i;
            entries = 0;
            whiteouts = 0;
            regular = 0;
            contentBytes = 0;
          }

          @Override
          public void entry(TarEntry e, long ordinal, TarReader reader) throws IOException {
            if (Whiteouts.classify(e.pathBytes()) == Whiteouts.Kind.NONE) {
              entries++;
            } else {
              whiteouts++;
            }
            if (e.type() == TarEntryType.REGULAR) {
              regular++;
              contentBytes += e.size();
            }
            SquashPlanner.Offer offer = planner.offer(e, ordinal);
            if (offer.capture() != null) {
              InputStream content = reader.content();
              if (spool != null && e.size() > 0) {
                content = captureIfRead(e, content, spool, index, ordinal, captured, buf);
              }
              byte[] hash = sha == null ? null : digest(sha, content, buf);
              origins.put(offer.capture(), new Origin(index, ordinal, hash));
            }
          }

          @Override
          public void endLayer(int i, SourceLayer layer, long uncompressed) throws IOException {
            stats[i] =
                new FlattenedImage.LayerStats(
                    i,
                    layer.label(),
                    layer.diffId(),
                    layer.blobDigest(),
                    layer.blobSize(),
                    uncompressed,
                    layer.compression(),
                    entries,
                    whiteouts,
                    regular,
                    contentBytes);
          }
        });
    planner.checkLinks();

    List<SquashPlanner.PlannedPath> live = planner.liveRecordsSorted();
    // Objects whose content was never captured (a hardlink to a version shadowed in its own layer)
    // carry a
    // deferred position; hash those with one more read of their layer.
    IdentityHashMap<FileObject, Integer> inodes = new IdentityHashMap<>();
    List<FlattenedImage.Entry> out = new ArrayList<>(live.size());
    Map<Integer, TreeMap<Long, List<FileObject>>> deferred = new HashMap<>();
    for (SquashPlanner.PlannedPath r : live) {
      FileObject owner = r.file == null ? null : r.file.resolve();
      if (owner != null
          && owner.resolvedEntry().type() == TarEntryType.REGULAR
          && !origins.containsKey(owner)) {
        FileObject c = owner;
        if (!c.hasContent() || c.isSpooled()) {
          throw new ImageException(
              Kind.INTERNAL,
              ImageException.where(
                  image.source(), null, r.entry.path(), "internal error: no origin for content"));
        }
        origins.put(owner, new Origin(c.deferredLayer(), c.deferredOrdinal(), null));
        if (hashContent) {
          deferred
              .computeIfAbsent(c.deferredLayer(), k -> new TreeMap<>())
              .computeIfAbsent(c.deferredOrdinal(), k -> new ArrayList<>())
              .add(owner);
        }
      }
    }
    if (!deferred.isEmpty()) {
      hashDeferred(image, deferred, origins, sha, buf);
    }
    for (SquashPlanner.PlannedPath r : live) {
      FileObject owner = r.file == null ? null : r.file.resolve();
      if (owner == null || owner.resolvedEntry().type() != TarEntryType.REGULAR) {
        TarEntry meta = owner == null ? r.entry : owner.resolvedEntry();
        out.add(
            new FlattenedImage.Entry(
                r.entry.path(), r.entry.pathBytes(), meta, r.layer, r.layer, -1, -1, true, null));
        continue;
      }
      Origin o = Objects.requireNonNull(origins.get(owner), "every regular file has an origin");
      Integer known = inodes.get(owner);
      boolean first = known == null;
      int inode = known != null ? known : inodes.size();
      if (first) {
        inodes.put(owner, inode);
      }
      out.add(
          new FlattenedImage.Entry(
              r.entry.path(),
              r.entry.pathBytes(),
              owner.resolvedEntry(),
              r.layer,
              o.layer,
              o.ordinal,
              inode,
              first,
              o.hash));
    }
    return new FlattenedImage(
        image.source(), List.of(stats), out, planner.shadowedEntries(), spool, captured);
  }

  /**
   * Spools the content when it is what the strip checks read; returns a stream over the same bytes
   * for hashing.
   */
  private static InputStream captureIfRead(
      TarEntry e,
      InputStream in,
      Spool spool,
      int layer,
      long ordinal,
      Map<Long, Long> captured,
      byte[] buf)
      throws IOException {
    byte[] head = in.readNBytes(ContentKind.HEAD);
    InputStream whole = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), in);
    if (!ContentKind.readByStripChecks(e.path(), head)
        && !dev.ocisquash.layering.Grouping.readsContentOf("/" + e.path())
        && !e.path().startsWith(dev.ocisquash.trace.DpkgAlternatives.ADMIN.substring(1) + "/")) {
      return whole; // neither the strip checks nor the package databases (analyze --trace) read it
    }
    long offset = spool.append(whole, e.size(), buf);
    captured.put(FlattenedImage.originKey(layer, ordinal), offset);
    return new InputStream() {
      private long pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= e.size()) {
          return -1;
        }
        int n = spool.read(offset + pos, b, off, (int) Math.min(len, e.size() - pos));
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    };
  }

  /**
   * Reads the content of some final-tree files again, streaming each layer involved once. The
   * visitor gets each wanted entry's bytes (exactly its size) in layer order; of several entries
   * sharing one content (hardlinks) only the first is visited.
   *
   * @param image the same image the entries were flattened from
   * @param wanted regular-file entries of the final tree
   * @param visitor called with each entry and a stream of its content, valid only during the call
   */
  public static void readContents(
      SourceImage image, Collection<FlattenedImage.Entry> wanted, ContentVisitor visitor)
      throws IOException {
    Map<Integer, TreeMap<Long, List<FlattenedImage.Entry>>> byLayer = new TreeMap<>();
    for (FlattenedImage.Entry e : wanted) {
      if (e.contentOrdinal() < 0) {
        continue;
      }
      byLayer
          .computeIfAbsent(e.contentLayer(), k -> new TreeMap<>())
          .computeIfAbsent(e.contentOrdinal(), k -> new ArrayList<>())
          .add(e);
    }
    // The tar content can be read only once: entries sharing it (hardlinks) are visited once.
    LayerRereader.visit(image, byLayer, (es, e, content) -> visitor.visit(es.get(0), content));
  }

  /** Receives file contents from {@link #readContents}. */
  @FunctionalInterface
  public interface ContentVisitor {
    /**
     * Called once per wanted entry.
     *
     * @param entry the final-tree entry
     * @param content its bytes; valid only during this call, do not close
     */
    void visit(FlattenedImage.Entry entry, InputStream content) throws IOException;
  }

  private static void hashDeferred(
      SourceImage image,
      Map<Integer, TreeMap<Long, List<FileObject>>> deferred,
      Map<FileObject, Origin> origins,
      @Nullable MessageDigest sha,
      byte[] buf)
      throws IOException {
    LayerRereader.visit(
        image,
        deferred,
        (objs, e, content) -> {
          byte[] hash = sha == null ? null : digest(sha, content, buf);
          for (FileObject f : objs) {
            Origin o = Objects.requireNonNull(origins.get(f), "a deferred file has an origin");
            origins.put(f, new Origin(o.layer, o.ordinal, hash));
          }
        });
  }

  private static byte[] digest(MessageDigest sha, InputStream in, byte[] buf) throws IOException {
    sha.reset();
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      sha.update(buf, 0, n);
    }
    return sha.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Origin {
    final int layer;
    final long ordinal;
    final byte @Nullable [] hash;

    Origin(int layer, long ordinal, byte @Nullable [] hash) {
      this.layer = layer;
      this.ordinal = ordinal;
      this.hash = hash;
    }
  }
}
