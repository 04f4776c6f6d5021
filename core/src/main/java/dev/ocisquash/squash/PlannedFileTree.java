package dev.ocisquash.squash;

import dev.ocisquash.strip.IndexedFileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * The flattened tree as the strip rules see it: every live path, hardlinks resolved to the object
 * they share, and content served from the spool or in place from uncompressed layers. Files whose
 * content was not kept (in kept base layers, only ELF files and scripts and loader configuration
 * are spooled) read as empty, which the safety checks treat as "not ELF, no shebang".
 */
final class PlannedFileTree {
  private PlannedFileTree() {}

  /**
   * The tree of the planner's live records.
   *
   * @param sorted the live records in output order
   * @param contents where the spooled and in-place content is read
   */
  static IndexedFileTree of(List<SquashPlanner.PlannedPath> sorted, ContentStore contents) {
    // The records already come in the order the layer is written in; the tree keeps it.
    IndexedFileTree.Builder<FileObject> b =
        IndexedFileTree.<FileObject>builder((node, f) -> open(contents, f)).keepOrder();
    IdentityHashMap<FileObject, Integer> names = linkedNames(sorted);
    for (SquashPlanner.PlannedPath r : sorted) {
      String path = PathNames.decodeAbsolute(r.path);
      if (r.file == null) {
        b.add(new TreeNode(path, TarEntryType.DIRECTORY, null, 0, r.entry.mode(), null), null);
        continue;
      }
      FileObject f = Objects.requireNonNull(r.file.resolve(), "links were checked");
      TarEntry e = f.resolvedEntry();
      String target = e.type() == TarEntryType.SYMLINK ? e.linkTarget() : null;
      Object group = names.getOrDefault(f, 1) > 1 ? f : null;
      b.add(new TreeNode(path, e.type(), target, e.size(), e.mode(), group), f);
    }
    return b.build();
  }

  /**
   * How many live names each hardlinked object has, for the objects some live hardlink resolves to;
   * every other object has exactly one name (its own entry). The tree's builder would clear a group
   * key given to a single name by copying the node, which at millions of files (nearly all with one
   * name) made a second node per file and a map entry per file, all for the collector. {@link
   * RewriteStep} asks it whether a rewritten file has another name.
   */
  static IdentityHashMap<FileObject, Integer> linkedNames(List<SquashPlanner.PlannedPath> sorted) {
    IdentityHashMap<FileObject, Integer> names = new IdentityHashMap<>();
    for (SquashPlanner.PlannedPath r : sorted) {
      FileObject f = r.file == null ? null : r.file.resolve();
      if (f != null && f != r.file) {
        names.put(f, 0);
      }
    }
    if (names.isEmpty()) {
      return names;
    }
    for (SquashPlanner.PlannedPath r : sorted) {
      FileObject f = r.file == null ? null : r.file.resolve();
      if (f != null && names.containsKey(f)) {
        names.merge(f, 1, Integer::sum);
      }
    }
    return names;
  }

  private static SeekableContent open(ContentStore contents, FileObject f) {
    FileObject ref = f.isReadable() ? f : null;
    long size = ref != null ? ref.resolvedEntry().size() : 0;
    return new SeekableContent() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public int read(long position, byte[] buf, int off, int len) throws IOException {
        if (position >= size || ref == null) { // no content: size is 0
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
