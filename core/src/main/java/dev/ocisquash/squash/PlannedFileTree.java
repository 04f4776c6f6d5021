package dev.ocisquash.squash;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flattened tree as the strip rules see it: every live path, hardlinks resolved to the object they share, and
 * content served from the spool or in place from uncompressed layers. Files whose content was not kept (in kept base
 * layers, only ELF files and scripts and loader configuration are spooled) read as empty, which the safety checks
 * treat as "not ELF, no shebang".
 */
final class PlannedFileTree implements FileTree {
  private final List<TreeNode> nodes = new ArrayList<>();
  private final Map<String, TreeNode> byPath = new HashMap<>();
  private final Map<TreeNode, FileObject> objects = new IdentityHashMap<>();
  private final ContentStore contents;

  PlannedFileTree(List<SquashPlanner.Record> sorted, ContentStore contents) {
    this.contents = contents;
    Map<FileObject, Integer> groupSize = new IdentityHashMap<>();
    for (SquashPlanner.Record r : sorted) {
      if (r.file != null && r.file.resolve() != null) {
        groupSize.merge(r.file.resolve(), 1, Integer::sum);
      }
    }
    if (sorted.isEmpty() || sorted.get(0).path.length != 0) {
      add(new TreeNode("/", TarEntryType.DIRECTORY, null, 0, 0755, null), null);
    }
    for (SquashPlanner.Record r : sorted) {
      String path = "/" + r.entry.path();
      if (r.file == null) {
        add(new TreeNode(path.equals("/") ? "/" : path, TarEntryType.DIRECTORY, null, 0, r.entry.mode(), null), null);
        continue;
      }
      FileObject f = r.file.resolve();
      TarEntry e = f.entry;
      Object group = groupSize.getOrDefault(f, 0) > 1 ? f : null;
      add(
          new TreeNode(
              path,
              e.type(),
              e.type() == TarEntryType.SYMLINK ? e.linkTarget() : null,
              e.size(),
              e.mode(),
              group),
          f);
    }
  }

  private void add(TreeNode n, FileObject f) {
    nodes.add(n);
    byPath.put(n.path(), n);
    if (f != null) {
      objects.put(n, f);
    }
  }

  @Override
  public Iterable<TreeNode> nodes() {
    return nodes;
  }

  @Override
  public TreeNode get(String path) {
    return byPath.get(path);
  }

  @Override
  public SeekableContent open(TreeNode node) throws IOException {
    FileObject f = objects.get(node);
    if (f == null || f.entry.type() != TarEntryType.REGULAR) {
      throw new IOException(node.path() + ": not a regular file");
    }
    FileObject ref = f.isReadable() ? f : null;
    long size = ref != null ? f.entry.size() : 0;
    return new SeekableContent() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public int read(long position, byte[] buf, int off, int len) throws IOException {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        return contents.read(ref, position, buf, off, n);
      }

      @Override
      public void close() {}
    };
  }
}
