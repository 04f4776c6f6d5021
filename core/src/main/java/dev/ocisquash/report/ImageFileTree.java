package dev.ocisquash.report;

import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.squash.AnalysisFlattener;
import dev.ocisquash.squash.FlattenedImage;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.IndexedFileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A {@link FileTree} over the final tree of a {@link FlattenedImage}, for planning strip rules
 * without writing anything. Content is not kept: {@link FileTree#open} re-reads the file's layer
 * and holds one window of at most {@link #WINDOW} bytes in memory (enough for ELF headers and
 * shebang lines); a read outside the window reads the layer again. Memory stays bounded; many opens
 * of large layers cost time, not memory.
 */
final class ImageFileTree {
  /** Bytes of content held in memory per open file. */
  public static final int WINDOW = 64 * 1024;

  private final SourceImage image;
  private final FlattenedImage flat;

  private ImageFileTree(SourceImage image, FlattenedImage flat) {
    this.image = image;
    this.flat = flat;
  }

  /**
   * Creates the view.
   *
   * @param image the open image {@code flat} came from; it must stay open while contents are read
   * @param flat its flattened tree
   * @return the tree, sorted by path
   */
  static IndexedFileTree of(SourceImage image, FlattenedImage flat) {
    ImageFileTree reader = new ImageFileTree(image, flat);
    IndexedFileTree.Builder<FlattenedImage.Entry> b =
        IndexedFileTree.builder((node, e) -> reader.open(e));
    for (FlattenedImage.Entry e : flat.entries()) {
      TarEntryType type = e.type();
      Object group = e.inode() >= 0 ? Integer.valueOf(e.inode()) : null;
      String target = type == TarEntryType.SYMLINK ? e.meta().linkTarget() : null;
      b.add(
          new TreeNode("/" + e.path(), type, target, e.size(), e.meta().mode() & 07777, group), e);
    }
    return b.build();
  }

  private SeekableContent open(FlattenedImage.Entry e) {
    if (flat.capturing()) {
      // Everything the strip checks read was captured while streaming; any other file reads as
      // empty (not ELF,
      // no shebang) rather than costing a re-read of its layer.
      boolean has = flat.isCaptured(e);
      return new SeekableContent() {
        @Override
        public long size() {
          return has ? e.size() : 0;
        }

        @Override
        public int read(long position, byte[] buf, int off, int len) throws IOException {
          return has ? flat.readCaptured(e, position, buf, off, len) : -1;
        }

        @Override
        public void close() {}
      };
    }
    return new Content(e);
  }

  private final class Content implements SeekableContent {
    private final FlattenedImage.Entry entry;
    private long windowStart = -1;
    private byte[] window = new byte[0];

    Content(FlattenedImage.Entry entry) {
      this.entry = entry;
    }

    @Override
    public long size() {
      return entry.size();
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
      if (position >= entry.size()) {
        return -1;
      }
      if (windowStart < 0 || position < windowStart || position >= windowStart + window.length) {
        fill(position);
      }
      int n = (int) Math.min(len, windowStart + window.length - position);
      System.arraycopy(window, (int) (position - windowStart), buf, off, n);
      return n;
    }

    private void fill(long position) throws IOException {
      int want = (int) Math.min(WINDOW, entry.size() - position);
      byte[] w = new byte[want];
      AnalysisFlattener.readContents(image, List.of(entry), (en, in) -> readAt(in, position, w));
      window = w;
      windowStart = position;
    }

    @Override
    public void close() {
      window = new byte[0];
      windowStart = -1;
    }
  }

  private static void readAt(InputStream in, long position, byte[] into) throws IOException {
    in.skipNBytes(position);
    int n = in.readNBytes(into, 0, into.length);
    if (n != into.length) {
      throw new IOException("content shorter than its declared size");
    }
  }
}
