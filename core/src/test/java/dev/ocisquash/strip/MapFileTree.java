package dev.ocisquash.strip;

import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory {@link FileTree} for tests: trees built by hand, file content given inline or copied
 * from a host file. Parent directories are created on demand. Content is held in memory.
 */
public final class MapFileTree implements FileTree {
  private final TreeMap<String, TreeNode> nodes = new TreeMap<>(TreePaths::comparePaths);
  private final Map<String, byte[]> content = new HashMap<>();

  /** Creates a tree that holds only the root directory. */
  public MapFileTree() {
    nodes.put("/", new TreeNode("/", TarEntryType.DIRECTORY, null, 0, 0755, null));
  }

  /** Adds a directory (mode 0755) and its missing parents. */
  public MapFileTree dir(String path) {
    mkdirs(path);
    return this;
  }

  /** Adds a regular file (mode 0644) with the given content. */
  public MapFileTree file(String path, byte[] data) {
    return file(path, data, 0644);
  }

  /** Adds a regular file with the given content and mode. */
  public MapFileTree file(String path, byte[] data, int mode) {
    put(new TreeNode(path, TarEntryType.REGULAR, null, data.length, mode, null));
    content.put(path, data);
    return this;
  }

  /** Adds a regular file (mode 0644) holding the UTF-8 text. */
  public MapFileTree text(String path, String text) {
    return file(path, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds an executable file (mode 0755) holding the UTF-8 text, e.g. a script. */
  public MapFileTree script(String path, String text) {
    return file(path, text.getBytes(StandardCharsets.UTF_8), 0755);
  }

  /** Adds a regular file of {@code size} zero bytes (content is produced lazily). */
  public MapFileTree file(String path, long size) {
    put(new TreeNode(path, TarEntryType.REGULAR, null, size, 0644, null));
    return this;
  }

  /** Adds a regular file whose content is copied from a host file. */
  public MapFileTree copy(Path host, String path, int mode) throws IOException {
    return file(path, Files.readAllBytes(host), mode);
  }

  /** Adds a symlink with the target verbatim. */
  public MapFileTree symlink(String path, String target) {
    put(new TreeNode(path, TarEntryType.SYMLINK, target, 0, 0777, null));
    return this;
  }

  /**
   * Adds a further name for the regular file at {@code existing} (a hardlink): same content and
   * group key.
   */
  public MapFileTree hardlink(String path, String existing) {
    TreeNode t = nodes.get(existing);
    if (t == null || !t.isRegular()) {
      throw new IllegalArgumentException("no regular file at " + existing);
    }
    Object key = t.groupKey();
    if (key == null) {
      key = new Object();
      TreeNode re = new TreeNode(t.path(), t.type(), null, t.size(), t.mode(), key);
      nodes.put(existing, re);
    }
    put(new TreeNode(path, TarEntryType.REGULAR, null, t.size(), t.mode(), key));
    byte[] data = content.get(existing);
    if (data != null) {
      content.put(path, data);
    }
    return this;
  }

  private void put(TreeNode n) {
    String parent = parentOf(n.path());
    if (parent != null) {
      mkdirs(parent);
    }
    nodes.put(n.path(), n);
  }

  private void mkdirs(String path) {
    if (path.equals("/") || (nodes.containsKey(path) && nodes.get(path).isDirectory())) {
      return;
    }
    String parent = parentOf(path);
    if (parent != null) {
      mkdirs(parent);
    }
    nodes.put(path, new TreeNode(path, TarEntryType.DIRECTORY, null, 0, 0755, null));
  }

  /**
   * The parent of an absolute path, or null for the root (kept here for the tests that call it).
   */
  public static String parentOf(String path) {
    return TreePaths.parentOf(path);
  }

  @Override
  public Iterable<TreeNode> nodes() {
    return Collections.unmodifiableCollection(new ArrayList<>(nodes.values()));
  }

  @Override
  public TreeNode get(String path) {
    return nodes.get(path);
  }

  /** The number of nodes, the root included. */
  public int size() {
    return nodes.size();
  }

  /** All paths, sorted parents first. */
  public List<String> paths() {
    return new ArrayList<>(nodes.keySet());
  }

  @Override
  public SeekableContent open(TreeNode node) throws IOException {
    if (!node.isRegular()) {
      throw new IOException("not a regular file: " + node.path());
    }
    byte[] data = content.get(node.path());
    long size = node.size();
    return new SeekableContent() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public int read(long position, byte[] buf, int off, int len) {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        if (data == null) {
          java.util.Arrays.fill(buf, off, off + n, (byte) 0);
        } else {
          System.arraycopy(data, (int) position, buf, off, n);
        }
        return n;
      }

      @Override
      public void close() {}
    };
  }
}
