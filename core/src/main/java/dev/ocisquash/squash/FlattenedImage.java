package dev.ocisquash.squash;

import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link AnalysisFlattener#flatten}: what each layer holds and the final tree a
 * squash of the whole image would write. Immutable.
 */
public final class FlattenedImage implements Closeable {
  private final String source;
  private final List<LayerStats> layers;
  private final List<Entry> entries;
  private final long shadowedEntries;
  private final @Nullable Spool captured;
  private final Map<Long, Long> capturedOffsets;

  FlattenedImage(
      String source,
      List<LayerStats> layers,
      List<Entry> entries,
      long shadowedEntries,
      @Nullable Spool captured,
      Map<Long, Long> capturedOffsets) {
    this.source = source;
    this.layers = List.copyOf(layers);
    this.entries = List.copyOf(entries);
    this.shadowedEntries = shadowedEntries;
    this.captured = captured;
    this.capturedOffsets = capturedOffsets;
  }

  static long originKey(int layer, long ordinal) {
    return ((long) layer << 40) | ordinal;
  }

  /**
   * Whether the content of this regular file was kept while streaming (ELF files, scripts and the
   * dynamic loader's configuration, when {@link AnalysisFlattener#flatten(SourceImage, boolean,
   * Path)} was asked to), so that {@link #readCaptured} serves it without reading the layer again.
   */
  public boolean isCaptured(Entry e) {
    return captured != null
        && e.contentOrdinal() >= 0
        && capturedOffsets.containsKey(originKey(e.contentLayer(), e.contentOrdinal()));
  }

  /**
   * Whether content was captured while streaming; then a regular file that {@link #isCaptured}
   * denies is known to be neither ELF nor a script nor loader configuration.
   */
  public boolean capturing() {
    return captured != null;
  }

  /** Reads captured content at {@code position}; returns the bytes read, or -1 past the end. */
  public int readCaptured(Entry e, long position, byte[] buf, int off, int len) throws IOException {
    Long base = capturedOffsets.get(originKey(e.contentLayer(), e.contentOrdinal()));
    if (base == null || captured == null) {
      throw new IOException(e.path() + ": content was not captured");
    }
    if (position >= e.size()) {
      return -1;
    }
    return captured.read(base + position, buf, off, (int) Math.min(len, e.size() - position));
  }

  /** Deletes the temporary file holding captured content. */
  @Override
  public void close() throws IOException {
    if (captured != null) {
      captured.close();
    }
  }

  /** The input, as given, for messages. */
  public String source() {
    return source;
  }

  /** Statistics per layer, bottom layer first. */
  public List<LayerStats> layers() {
    return layers;
  }

  /**
   * The final tree in output order (parents before children); the root directory may be among them.
   */
  public List<Entry> entries() {
    return entries;
  }

  /** Entries that some upper entry, whiteout or opaque marker hid. */
  public long shadowedEntries() {
    return shadowedEntries;
  }

  /**
   * Content bytes of the final tree: the size of every distinct regular file (inode) counted once.
   */
  public long finalContentBytes() {
    long sum = 0;
    for (Entry e : entries) {
      if (e.isRegular() && e.firstOfInode()) {
        sum += e.size();
      }
    }
    return sum;
  }

  /** What one layer holds, as read. */
  public static final class LayerStats {
    private final int index;
    private final String label;
    private final Digest diffId;
    private final Digest blobDigest;
    private final long compressedBytes;
    private final long uncompressedBytes;
    private final Compression compression;
    private final long entries;
    private final long whiteouts;
    private final long regularFiles;
    private final long contentBytes;

    LayerStats(
        int index,
        String label,
        Digest diffId,
        Digest blobDigest,
        long compressedBytes,
        long uncompressedBytes,
        Compression compression,
        long entries,
        long whiteouts,
        long regularFiles,
        long contentBytes) {
      this.index = index;
      this.label = label;
      this.diffId = diffId;
      this.blobDigest = blobDigest;
      this.compressedBytes = compressedBytes;
      this.uncompressedBytes = uncompressedBytes;
      this.compression = compression;
      this.entries = entries;
      this.whiteouts = whiteouts;
      this.regularFiles = regularFiles;
      this.contentBytes = contentBytes;
    }

    /** Position in the image, 0 = bottom. */
    public int index() {
      return index;
    }

    /** Short label for messages. */
    public String label() {
      return label;
    }

    /** The layer's diff_id. */
    public Digest diffId() {
      return diffId;
    }

    /** The blob digest. */
    public Digest blobDigest() {
      return blobDigest;
    }

    /** Size of the blob as stored. */
    public long compressedBytes() {
      return compressedBytes;
    }

    /** Size of the uncompressed tar stream, end marker and trailing padding included. */
    public long uncompressedBytes() {
      return uncompressedBytes;
    }

    /** The blob's compression. */
    public Compression compression() {
      return compression;
    }

    /** Filesystem entries other than whiteout and opaque markers. */
    public long entries() {
      return entries;
    }

    /** Whiteout, opaque and AUFS bookkeeping entries. */
    public long whiteouts() {
      return whiteouts;
    }

    /** Regular-file entries (hardlinks not counted). */
    public long regularFiles() {
      return regularFiles;
    }

    /** Sum of the content sizes of the regular-file entries. */
    public long contentBytes() {
      return contentBytes;
    }
  }

  /** One path of the final tree. */
  public static final class Entry {
    private final String path;
    private final byte[] pathBytes;
    private final TarEntry meta;
    private final int layer;
    private final int contentLayer;
    private final long contentOrdinal;
    private final int inode;
    private final boolean firstOfInode;
    private final byte @Nullable [] sha256;

    Entry(
        String path,
        byte[] pathBytes,
        TarEntry meta,
        int layer,
        int contentLayer,
        long contentOrdinal,
        int inode,
        boolean firstOfInode,
        byte @Nullable [] sha256) {
      this.path = path;
      this.pathBytes = pathBytes;
      this.meta = meta;
      this.layer = layer;
      this.contentLayer = contentLayer;
      this.contentOrdinal = contentOrdinal;
      this.inode = inode;
      this.firstOfInode = firstOfInode;
      this.sha256 = sha256;
    }

    /** The normalised path ({@code ""} for the root), decoded as UTF-8. */
    public String path() {
      return path;
    }

    /** A copy of the raw path bytes. */
    public byte[] pathBytes() {
      return pathBytes.clone();
    }

    /**
     * The metadata in effect: for regular files and hardlinks the header of the version that owns
     * the content (its path may differ from {@link #path()}), otherwise the entry itself.
     */
    public TarEntry meta() {
      return meta;
    }

    /**
     * Type as it would be in the squashed layer: hardlinks to regular files report {@link
     * TarEntryType#REGULAR}.
     */
    public TarEntryType type() {
      return meta.type();
    }

    /** Whether this is a regular file (or a hardlink to one). */
    public boolean isRegular() {
      return meta.type() == TarEntryType.REGULAR;
    }

    /** Whether this is a directory. */
    public boolean isDirectory() {
      return meta.type() == TarEntryType.DIRECTORY;
    }

    /** Content size; 0 for everything but regular files. */
    public long size() {
      return isRegular() ? meta.size() : 0;
    }

    /** The layer whose entry put this path in the final tree. */
    public int layer() {
      return layer;
    }

    /**
     * The layer whose entry holds the content (differs from {@link #layer()} for hardlinks to lower
     * files).
     */
    public int contentLayer() {
      return contentLayer;
    }

    /**
     * Position of the content's entry within its layer, for a re-read; -1 for non-regular entries.
     */
    long contentOrdinal() {
      return contentOrdinal;
    }

    /** A number shared by all paths hardlinked to one file; -1 for non-regular entries. */
    public int inode() {
      return inode;
    }

    /**
     * Whether this is the first path (in output order) of its inode; always true for non-regular
     * entries.
     */
    public boolean firstOfInode() {
      return firstOfInode;
    }

    /** The sha256 of the content when hashing was asked for, else null. */
    public byte @Nullable [] sha256() {
      return sha256 == null ? null : sha256.clone();
    }
  }
}
