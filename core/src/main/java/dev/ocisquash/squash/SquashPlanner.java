package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.squash.PlannerNode.PendingLink;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.Whiteouts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The pure decision core of a squash: it is fed the entries of the layers, newest layer first and
 * each layer in stream order, and decides which entries survive in the flattened tree. It does no
 * I/O; the caller streams the layers, asks {@link #offer} about each entry and copies content only
 * when told to.
 *
 * <p>The result equals applying the layers oldest first, as image-spec layer.md and {@code umoci
 * unpack} do:
 *
 * <ul>
 *   <li>{@code .wh.NAME} hides NAME and its subtree in lower layers only; entries of the same layer
 *       stay.
 *   <li>{@code .wh..wh..opq} hides the lower layers' children of its directory, wherever it stands
 *       in the layer.
 *   <li>An upper path hides the same path below; an upper non-directory hides a lower directory's
 *       subtree; an upper directory merges with a lower one and its metadata wins.
 *   <li>Within a layer a later entry for a path replaces an earlier one; if a directory is replaced
 *       by a non-directory, the children the layer put in it earlier go too.
 *   <li>Whiteouts are matched lexically; symlinks are never resolved. A whiteout below a
 *       non-directory hides nothing that was not already hidden.
 *   <li>An entry below a path that the same layer made a non-directory is dropped (tools disagree;
 *       nothing sane can be built from it).
 *   <li>A hardlink gets the object its target named when the link was applied: the target's earlier
 *       entry in the same layer, else the topmost visible version in lower layers. If that version
 *       is later overwritten or deleted, the link keeps the old content; the writer promotes one
 *       survivor to a regular file.
 * </ul>
 *
 * <p>State is kept per path, never per byte: memory grows with the number of paths only.
 */
public final class SquashPlanner {

  /**
   * What the caller must do with one offered entry: a record of two references, both null for an
   * entry that left nothing to do (hidden, a directory, a marker).
   *
   * @param capture when non-null, copy the entry's content now and record its location here
   * @param file the object behind an emitted non-directory, so a caller may capture content anyway
   *     (the strip checks read kept layers' executables)
   */
  public record Offer(@Nullable FileObject capture, @Nullable FileObject file) {
    static final Offer SKIP = new Offer(null, null);
  }

  /** A path in the output tree and what is there. */
  static final class PlannedPath {
    final byte[] path;

    /** The entry as read; for non-directories the metadata written comes from {@link #file}. */
    final TarEntry entry;

    final int layer;

    /** The object for non-directories (a forwarding object for hardlinks); null for directories. */
    final @Nullable FileObject file;

    boolean live = true;

    PlannedPath(TarEntry entry, int layer, @Nullable FileObject file) {
      this.path = entry.pathBytes();
      this.entry = entry;
      this.layer = layer;
      this.file = file;
    }

    boolean isDirectory() {
      return entry.isDirectory();
    }
  }

  private final PlannerNode root = new PlannerNode(null);
  private final List<PlannedPath> records = new ArrayList<>();
  private final List<PendingLink> allPending = new ArrayList<>();
  private int pendingLinks;
  private int layer = Integer.MAX_VALUE;
  private boolean keptLayer;
  private String layerLabel = "";
  private long shadowedEntries;
  private long whiteoutEntries;

  /** Creates an empty planner; feed it layers newest first. */
  public SquashPlanner() {}

  /** Starts the next layer down; indexes must decrease. */
  public void beginLayer(int index, String label) {
    beginLayer(index, label, false);
  }

  /**
   * Starts the next layer down. In a {@code kept} layer (one below the squash point, copied
   * unchanged to the output) records are still made, so the planner knows what the final tree takes
   * from the kept layers, but content is asked for only when a hardlink of the squashed part needs
   * an old version.
   */
  void beginLayer(int index, String label, boolean kept) {
    if (index >= layer) {
      throw new IllegalArgumentException("layers must be offered newest first");
    }
    layer = index;
    layerLabel = label;
    keptLayer = kept;
  }

  // Only the squashed layers count: the summary reports on what was read to be merged, not on kept
  // layers.
  private void countShadowed() {
    if (!keptLayer) {
      shadowedEntries++;
    }
  }

  private void countWhiteout() {
    if (!keptLayer) {
      whiteoutEntries++;
    }
  }

  /**
   * Entries of the squashed layers read so far that did not make it into the output because
   * something above hid them.
   */
  public long shadowedEntries() {
    return shadowedEntries;
  }

  /** Whiteout and opaque markers of the squashed layers consumed. */
  long whiteoutEntries() {
    return whiteoutEntries;
  }

  /**
   * Decides about one entry of the current layer.
   *
   * @param e the entry as read
   * @param ordinal its position among the filesystem entries of this layer, for a later re-read
   */
  public Offer offer(TarEntry e, long ordinal) throws ImageException {
    byte[] path = e.pathBytes();
    Whiteouts.Kind kind = Whiteouts.classify(path);
    switch (kind) {
      case AUFS_META:
        countWhiteout();
        return Offer.SKIP;
      case OPAQUE:
        {
          countWhiteout();
          PlannerNode dir = node(Whiteouts.parent(path));
          dir.hideChildren = Math.max(dir.hideChildren, layer);
          dir.lastHideChildrenLayer = layer;
          cutPendingBelow(dir, layer, false);
          return Offer.SKIP;
        }
      case WHITEOUT:
        {
          countWhiteout();
          byte[] target;
          try {
            target = Whiteouts.whiteoutTarget(path);
          } catch (IllegalArgumentException ex) {
            throw new ImageException(
                Kind.CORRUPT_INPUT,
                ImageException.where(null, layerLabel, e.path(), String.valueOf(ex.getMessage())));
          }
          if (target.length == 0) {
            throw new ImageException(
                Kind.CORRUPT_INPUT,
                ImageException.where(null, layerLabel, e.path(), "whiteout of the root directory"));
          }
          PlannerNode n = node(target);
          n.hideAll = Math.max(n.hideAll, layer);
          n.lastHideAllLayer = layer;
          cutPendingAt(n, layer, false);
          cutPendingBelow(n, layer, false);
          return Offer.SKIP;
        }
      default:
        break;
    }
    if (path.length == 0 && !e.isDirectory()) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              null, layerLabel, "/", "the root must be a directory, found " + e.type()));
    }
    PlannerNode n = node(path);
    if (belowSameLayerNonDirectory(n)) {
      // Below a path this same layer made a non-directory: dropped without any effect (tools
      // disagree here;
      // nothing sane can be built from it).
      countShadowed();
      return Offer.SKIP;
    }
    FileObject file = null;
    if (e.type() == TarEntryType.HARDLINK) {
      file = linkObject(e);
    } else if (!e.isDirectory()) {
      file = new FileObject(e);
    }
    // Links from upper layers waiting for this path take this version.
    boolean neededByLink = resolvePending(n, e, file);
    if (!e.isDirectory()) {
      // A non-directory here removes whatever lower layers had at and below this path, even when
      // this entry is
      // itself hidden from the final tree (a directory above it recreates the path empty).
      n.hideAll = Math.max(n.hideAll, layer);
      n.lastHideAllLayer = layer;
      cutPendingBelow(n, layer, true);
      // It also replaces what this layer put at and below this path earlier.
      killSameLayerDescendants(n);
      if (n.record != null && n.record.layer == layer) {
        n.record.live = false;
        n.record = null;
      }
    }
    n.curFile = file;
    n.curLayer = layer;

    // Any entry below a path, even one hidden later, means that path was a directory when this
    // layer was
    // applied; a lower non-directory there cannot survive.
    for (PlannerNode a = n.parent; a != null && a.maxDescendantLayer < layer; a = a.parent) {
      a.maxDescendantLayer = layer;
    }
    boolean visible = isVisible(n, e);
    if (!visible) {
      countShadowed();
      if (file != null && e.type() == TarEntryType.REGULAR) {
        if (neededByLink) {
          return new Offer(file, null);
        }
        // A later hardlink in this same layer may still name this version; remember where to find
        // it.
        file.contentDeferred(layer, ordinal);
      }
      return Offer.SKIP;
    }

    PlannedPath old = n.record;
    if (old != null) {
      // Same layer, earlier directory entry for the same path: this one's metadata wins, children
      // stay.
      old.live = false;
      n.record = null;
    }
    PlannedPath r = new PlannedPath(e, layer, file);
    n.record = r;
    records.add(r);
    boolean needsContent = e.type() == TarEntryType.REGULAR && (!keptLayer || neededByLink);
    return new Offer(needsContent ? file : null, file);
  }

  private boolean isVisible(PlannerNode n, TarEntry e) {
    if (n.hideAll > layer) {
      return false;
    }
    if (n.record != null && n.record.layer > layer) {
      return false; // an upper version of the same path wins (for directories: merge, upper
      // metadata)
    }
    if (!e.isDirectory() && n.maxDescendantLayer > layer) {
      return false; // upper layers put children here, so this path is a directory in the final tree
    }
    for (PlannerNode a = n.parent; a != null; a = a.parent) {
      if (a.hideAll > layer || a.hideChildren > layer) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an ancestor was made a non-directory earlier in the current layer (such entries are
   * dropped).
   */
  private boolean belowSameLayerNonDirectory(PlannerNode n) {
    for (PlannerNode a = n.parent; a != null; a = a.parent) {
      if (a.curLayer == layer && a.curFile != null) {
        return true;
      }
    }
    return false;
  }

  private FileObject linkObject(TarEntry e) throws ImageException {
    byte[] target = e.linkTargetBytes();
    if (target.length == 0 || Arrays.equals(target, e.pathBytes())) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              null, layerLabel, e.path(), "hardlink with an empty or self target"));
    }
    PlannerNode t = node(target);
    FileObject link = FileObject.link();
    if (t.curLayer == layer && t.curFile != null) {
      link.forward = t.curFile;
      return link;
    }
    PendingLink p =
        new PendingLink(link, layer, ImageException.where(null, layerLabel, e.path(), ""));
    // A whiteout or non-directory applied in this very layer hides the lower target from the link.
    for (PlannerNode a = t; a != null; a = a.parent) {
      boolean self = a == t;
      if (a.lastHideAllLayer == layer || (!self && a.lastHideChildrenLayer == layer)) {
        p.limit = Integer.MAX_VALUE;
      }
    }
    if (t.pending == null) {
      t.pending = new ArrayList<>(1);
    }
    t.pending.add(p);
    allPending.add(p);
    pendingLinks++;
    return link;
  }

  private boolean resolvePending(PlannerNode n, TarEntry e, @Nullable FileObject file) {
    if (n.pending == null) {
      return false;
    }
    boolean resolved = false;
    for (Iterator<PendingLink> it = n.pending.iterator(); it.hasNext(); ) {
      PendingLink p = it.next();
      if (p.boundLayer > layer) {
        it.remove(); // bound for good in a layer above this one
        pendingLinks--;
        continue;
      }
      if (p.fromLayer <= layer || p.limit > layer) {
        continue;
      }
      // A directory target binds to nothing (a dangling link, reported if it survives) unless a
      // later entry of
      // this layer replaces it.
      // The link sees the state after the whole of this layer: a later entry of the same layer
      // re-binds it.
      p.link.forward = file;
      p.boundLayer = layer;
      resolved = true;
    }
    return resolved && e.type() == TarEntryType.REGULAR;
  }

  /**
   * Applies a hide made in {@code hideLayer} to links waiting at {@code n}. With {@code
   * replacesSameLayer} (a non-directory above the path) a binding made earlier in the same layer is
   * undone too.
   */
  private void cutPendingAt(PlannerNode n, int hideLayer, boolean replacesSameLayer) {
    if (n.pending != null) {
      for (PendingLink p : n.pending) {
        if (p.fromLayer <= hideLayer) {
          continue;
        }
        if (p.boundLayer == hideLayer && replacesSameLayer) {
          // Unbound again; a later entry of this same layer may still recreate the target.
          p.link.forward = null;
          p.boundLayer = -1;
          p.limit = hideLayer;
        } else if (p.boundLayer < 0) {
          p.limit = Math.max(p.limit, hideLayer);
        }
      }
    }
  }

  private void cutPendingBelow(PlannerNode n, int hideLayer, boolean replacesSameLayer) {
    if (pendingLinks == 0 || n.children == null) {
      return;
    }
    List<PlannerNode> stack = new ArrayList<>(n.children.values());
    while (!stack.isEmpty()) {
      PlannerNode c = stack.remove(stack.size() - 1);
      cutPendingAt(c, hideLayer, replacesSameLayer);
      if (c.children != null) {
        stack.addAll(c.children.values());
      }
    }
  }

  private void killSameLayerDescendants(PlannerNode n) {
    if (n.children == null || n.maxDescendantLayer < layer) {
      return;
    }
    List<PlannerNode> stack = new ArrayList<>(n.children.values());
    while (!stack.isEmpty()) {
      PlannerNode c = stack.remove(stack.size() - 1);
      if (c.record != null && c.record.layer == layer) {
        c.record.live = false;
        c.record = null;
      }
      if (c.curLayer == layer) {
        c.curFile = null;
        c.curLayer = Integer.MIN_VALUE;
      }
      if (c.children != null) {
        stack.addAll(c.children.values());
      }
    }
  }

  private PlannerNode node(byte[] path) {
    return root.descend(path);
  }

  /**
   * Checks, after the last layer, that every surviving hardlink found its target.
   *
   * @throws ImageException naming the first link whose target exists nowhere below it
   */
  void checkLinks() throws ImageException {
    PendingLink p = firstDanglingLiveLink();
    if (p != null) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          p.where
              + "hardlink target does not exist in this or any lower layer (or was deleted first)");
    }
  }

  private @Nullable PendingLink firstDanglingLiveLink() {
    for (PendingLink p : allPending) {
      if (p.link.forward == null && isReferencedByLive(p.link)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The markers a new layer needs on top of kept layers that were never read, when this planner was
   * fed only the squashed layers: whatever those layers hid from the layers below is hidden again,
   * whether or not a kept layer has it. A whiteout stands for each path they deleted and did not
   * recreate, an opaque marker for each directory whose lower children they cut (by a whiteout, a
   * non-directory that stood there, or an opaque marker), each collapsed to the highest such path,
   * as {@link LayerPlan#markers} does with the kept tree in view. Such a marker may name a path no
   * kept layer has: it then hides nothing.
   *
   * @param first index of the lowest layer fed
   * @return the marker paths in no particular order, or null when the squashed layers alone cannot
   *     decide the tree: a surviving hardlink whose target lies in a kept layer (the new layer must
   *     link to that file, or carry its old content), or a path that those layers made a directory
   *     only by putting entries below it, none of which survive (whether it exists then depends on
   *     what the kept layers have there)
   */
  @Nullable List<byte[]> markersOverUnreadLayers(int first) {
    if (firstDanglingLiveLink() != null) {
      return null;
    }
    List<byte[]> out = new ArrayList<>();
    if (root.hideChildren >= first) {
      out.add(Whiteouts.opaqueMarkerFor(new byte[0]));
      return out;
    }
    List<PlannerNode> nodes = new ArrayList<>();
    List<byte[]> paths = new ArrayList<>();
    pushChildren(root, new byte[0], nodes, paths);
    while (!nodes.isEmpty()) {
      PlannerNode n = nodes.remove(nodes.size() - 1);
      byte[] path = paths.remove(paths.size() - 1);
      PlannedPath r = n.record;
      boolean cut = n.hideAll >= first;
      boolean childrenCut = cut || n.hideChildren >= first;
      if (r == null && cut) {
        out.add(Whiteouts.whiteoutFor(path));
      } else if (r != null && !r.isDirectory()) {
        // nothing: it replaces whatever the kept layers have at and below the path
      } else if (r == null && n.maxDescendantLayer >= first && !hasLiveDescendant(path)) {
        return null;
      } else if (childrenCut) {
        out.add(Whiteouts.opaqueMarkerFor(path));
      } else {
        pushChildren(n, path, nodes, paths);
      }
    }
    return out;
  }

  private static void pushChildren(
      PlannerNode n, byte[] path, List<PlannerNode> nodes, List<byte[]> paths) {
    if (n.children == null) {
      return;
    }
    for (Map.Entry<String, PlannerNode> c : n.children.entrySet()) {
      byte[] name = c.getKey().getBytes(StandardCharsets.ISO_8859_1);
      byte[] child;
      if (path.length == 0) {
        child = name;
      } else {
        child = Arrays.copyOf(path, path.length + 1 + name.length);
        child[path.length] = '/';
        System.arraycopy(name, 0, child, path.length + 1, name.length);
      }
      nodes.add(c.getValue());
      paths.add(child);
    }
  }

  private boolean isReferencedByLive(FileObject link) {
    for (PlannedPath r : records) {
      if (r.live && r.file != null) {
        FileObject f = r.file;
        while (f != null) {
          if (f == link) {
            return true;
          }
          f = f.forward;
        }
      }
    }
    return false;
  }

  /** The surviving records in output order (see {@link PathOrder}): parents precede children. */
  List<PlannedPath> liveRecordsSorted() {
    List<PlannedPath> out = new ArrayList<>(records.size());
    for (PlannedPath r : records) {
      if (r.live) {
        out.add(r);
      }
    }
    out.sort((a, b) -> PathOrder.compare(a.path, b.path));
    return out;
  }

  /** The live record at a path, or null; creates no state. */
  @Nullable PlannedPath liveRecordAt(byte[] path) {
    PlannerNode n = find(path);
    return n == null ? null : n.record;
  }

  /**
   * Whether layers at or above {@code fromLayer} cut off what lower layers had below {@code path}
   * (a whiteout, an opaque marker, or a non-directory that stood there for a while).
   */
  boolean lowerChildrenCut(byte[] path, int fromLayer) {
    PlannerNode n = find(path);
    return n != null && (n.hideAll >= fromLayer || n.hideChildren >= fromLayer);
  }

  /** Whether any live record lies strictly below {@code path}. */
  boolean hasLiveDescendant(byte[] path) {
    PlannerNode n = find(path);
    if (n == null || n.children == null) {
      return false;
    }
    List<PlannerNode> stack = new ArrayList<>(n.children.values());
    while (!stack.isEmpty()) {
      PlannerNode c = stack.remove(stack.size() - 1);
      if (c.record != null) {
        return true;
      }
      if (c.children != null) {
        stack.addAll(c.children.values());
      }
    }
    return false;
  }

  private @Nullable PlannerNode find(byte[] path) {
    return root.find(path);
  }
}
