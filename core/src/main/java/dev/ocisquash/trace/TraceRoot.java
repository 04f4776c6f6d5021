package dev.ocisquash.trace;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The image tree a trace is resolved against: the flattened image ({@link #of(FileTree)}) or the
 * root directory the command ran in ({@link DirectoryRoot}). Symlinks are resolved against it,
 * never against the host.
 */
public interface TraceRoot {
  /**
   * What a path is.
   *
   * @param directory whether it is a directory
   * @param linkTarget the target when it is a symlink, else null
   */
  record Node(boolean directory, @Nullable String linkTarget) {}

  /**
   * The node at a normalised absolute path, without following a final symlink; null when there is
   * none.
   */
  @Nullable Node lookup(String path) throws IOException;

  /**
   * Opens a regular file's content (to read a shebang line or an ELF header), or null when it is
   * not one.
   */
  @Nullable SeekableContent open(String path) throws IOException;

  /** A view of a flattened image tree. */
  static TraceRoot of(FileTree tree) {
    return new TraceRoot() {
      @Override
      public @Nullable Node lookup(String path) {
        TreeNode n = tree.get(path);
        return n == null ? null : new Node(n.isDirectory(), n.isSymlink() ? n.linkTarget() : null);
      }

      @Override
      public @Nullable SeekableContent open(String path) throws IOException {
        TreeNode n = tree.get(path);
        return n == null || !n.isRegular() ? null : tree.open(n);
      }
    };
  }
}
