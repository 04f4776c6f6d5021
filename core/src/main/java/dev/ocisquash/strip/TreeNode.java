package dev.ocisquash.strip;

import dev.ocisquash.tar.TarEntryType;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a flattened image tree. Hardlinks are already resolved: every name of a hardlink
 * group has the type of the object (usually {@link TarEntryType#REGULAR}) and the same {@link
 * #groupKey()}.
 */
public final class TreeNode {
  private final String path;
  private final TarEntryType type;
  private final @Nullable String linkTarget;
  private final long size;
  private final int mode;
  private final @Nullable Object groupKey;

  /**
   * Creates a node.
   *
   * @param path absolute path, {@code "/"} for the root, no trailing slash
   * @param type the entry type (never {@link TarEntryType#HARDLINK})
   * @param linkTarget the symlink target verbatim, or null for other types
   * @param size content bytes (regular files), else 0
   * @param mode permission bits (07777)
   * @param groupKey the same object for every name of one hardlink group, else null
   */
  public TreeNode(
      String path,
      TarEntryType type,
      @Nullable String linkTarget,
      long size,
      int mode,
      @Nullable Object groupKey) {
    this.path = Objects.requireNonNull(path, "path");
    this.type = Objects.requireNonNull(type, "type");
    if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
      throw new IllegalArgumentException("not an absolute normalised path: " + path);
    }
    this.linkTarget = linkTarget;
    this.size = size;
    this.mode = mode;
    this.groupKey = groupKey;
  }

  /** The absolute path. */
  public String path() {
    return path;
  }

  /** The entry type. */
  public TarEntryType type() {
    return type;
  }

  /** The symlink target verbatim, or null. */
  public @Nullable String linkTarget() {
    return linkTarget;
  }

  /** Content bytes; 0 for non-regular entries. */
  public long size() {
    return size;
  }

  /** Permission bits. */
  public int mode() {
    return mode;
  }

  /** The hardlink group key, or null when this name has no partners. */
  public @Nullable Object groupKey() {
    return groupKey;
  }

  /** Whether this is a directory. */
  public boolean isDirectory() {
    return type == TarEntryType.DIRECTORY;
  }

  /** Whether this is a symlink. */
  public boolean isSymlink() {
    return type == TarEntryType.SYMLINK;
  }

  /** Whether this is a regular file. */
  public boolean isRegular() {
    return type == TarEntryType.REGULAR;
  }

  /** The last path component ("" for the root). */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return type + " " + path + (linkTarget != null ? " -> " + linkTarget : "") + " size=" + size;
  }
}
