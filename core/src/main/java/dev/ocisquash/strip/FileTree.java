package dev.ocisquash.strip;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Read-only view of a flattened image tree, as the squasher sees it after applying all layers.
 * Paths are absolute strings starting with {@code "/"} and without a trailing slash; the root is
 * {@code "/"}.
 */
public interface FileTree {
  /** All entries, parents before children (sorted by path components). */
  Iterable<TreeNode> nodes();

  /** The node at an absolute path, or null when there is none. Symlinks are not followed. */
  @Nullable TreeNode get(String path);

  /**
   * Opens the content of a regular file for random access (used to read ELF headers and shebang
   * lines).
   *
   * @throws IOException when the content cannot be read
   */
  SeekableContent open(TreeNode node) throws IOException;
}
