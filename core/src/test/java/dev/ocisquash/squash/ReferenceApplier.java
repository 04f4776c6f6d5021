package dev.ocisquash.squash;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A deliberately naive model of applying layers oldest first to a filesystem, written independently
 * of {@link SquashPlanner} so the two can be compared. The filesystem is a sorted map of path to
 * (entry, inode).
 *
 * <p>Rules, as documented for ocisquash: a layer's whiteouts and opaque markers act on lower
 * content only, so they are applied before the layer's entries; entries then apply in stream order,
 * a later entry replacing an earlier one (a non-directory replacing a directory removes its
 * subtree); a hardlink shares the inode of the object at its target at that moment; an entry below
 * a non-directory that the same layer created is dropped; a non-directory from a lower layer on the
 * way to an entry is replaced by an implied directory.
 */
final class ReferenceApplier {
  static final class Inode {
    final TarEntry entry;

    Inode(TarEntry entry) {
      this.entry = entry;
    }
  }

  static final class Obj {
    final TarEntry entry; // for directories; for others the link/file header as read
    final Inode inode; // null for directories
    final int layer;

    Obj(TarEntry entry, Inode inode, int layer) {
      this.entry = entry;
      this.inode = inode;
      this.layer = layer;
    }
  }

  /** Path to object; implied directories are present with a null entry. */
  final TreeMap<String, Obj> fs = new TreeMap<>();

  void apply(int layer, List<TarEntry> entries) {
    List<TarEntry> regular = new ArrayList<>();
    for (TarEntry e : entries) {
      String p = e.path();
      String base = p.substring(p.lastIndexOf('/') + 1);
      String dir = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "";
      if (base.equals(".wh..wh..opq")) {
        removeChildren(dir);
      } else if (base.startsWith(".wh..wh.")
          || p.contains("/.wh..wh.")
          || p.startsWith(".wh..wh.")) {
        // AUFS metadata: ignored
      } else if (base.startsWith(".wh.")) {
        String target = (dir.isEmpty() ? "" : dir + "/") + base.substring(4);
        removeSubtree(target);
      } else {
        regular.add(e);
      }
    }
    for (TarEntry e : regular) {
      String p = e.path();
      if (!ensureParents(p, layer)) {
        continue;
      }
      Obj existing = fs.get(p);
      if (e.type() == TarEntryType.HARDLINK) {
        Obj t = fs.get(e.linkTarget());
        if (t == null || t.inode == null) {
          throw new IllegalStateException("missing link target " + e.linkTarget() + " for " + p);
        }
        removeSubtree(p);
        fs.put(p, new Obj(e, t.inode, layer));
      } else if (e.isDirectory()) {
        if (existing != null && existing.inode == null) {
          fs.put(p, new Obj(e, null, layer)); // merge: keep children
        } else {
          removeSubtree(p);
          fs.put(p, new Obj(e, null, layer));
        }
      } else {
        removeSubtree(p);
        fs.put(p, new Obj(e, new Inode(e), layer));
      }
    }
  }

  private boolean ensureParents(String p, int layer) {
    int idx = -1;
    while ((idx = p.indexOf('/', idx + 1)) >= 0) {
      String anc = p.substring(0, idx);
      Obj o = fs.get(anc);
      if (o != null && o.inode != null) {
        if (o.layer == layer) {
          return false; // below a non-directory made by this same layer: dropped
        }
        removeSubtree(anc);
        o = null;
      }
      if (o == null) {
        fs.put(anc, new Obj(null, null, layer));
      }
    }
    return true;
  }

  private void removeSubtree(String p) {
    fs.remove(p);
    removeChildren(p);
  }

  private void removeChildren(String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    if (prefix.isEmpty()) {
      fs.keySet().removeIf(k -> !k.isEmpty());
      return;
    }
    fs.subMap(prefix, prefix + Character.MAX_VALUE).clear();
  }
}
