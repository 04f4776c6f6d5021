package dev.ocisquash.squash;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One path of the {@link SquashPlanner}'s tree: what the layers seen so far hid at and below it,
 * the live record there, and the hardlinks waiting for a lower version of it. There is one per path
 * ever named, so the fields are few and primitive where they can be.
 */
final class PlannerNode {
  // No name field: the key in the parent's children map is the name, and a million nodes make 8
  // bytes count.
  final @Nullable PlannerNode parent;
  @Nullable Map<String, PlannerNode> children;

  /** Layers below this one cannot contribute this path or anything under it. */
  int hideAll = -1;

  /** Layers below this one cannot contribute anything under this path. */
  int hideChildren = -1;

  /**
   * The most recent layer that set a hide on this node (the lowest so far, as layers go downwards).
   */
  int lastHideAllLayer = -1;

  int lastHideChildrenLayer = -1;

  /** The highest layer that emitted a live record strictly below this node. */
  int maxDescendantLayer = -1;

  /** The live record at this path, if any. */
  SquashPlanner.@Nullable PlannedPath record;

  /**
   * The latest entry version seen at this path in layer {@link #curLayer}, for same-layer
   * hardlinks.
   */
  @Nullable FileObject curFile;

  int curLayer = Integer.MIN_VALUE;

  /** Links from upper layers waiting for a lower version of this path. */
  @Nullable List<PendingLink> pending;

  PlannerNode(@Nullable PlannerNode parent) {
    this.parent = parent;
  }

  /** The child named {@code key}, created when missing. */
  PlannerNode child(String key) {
    if (children == null) {
      children = new HashMap<>(4);
    }
    return children.computeIfAbsent(key, k -> new PlannerNode(this));
  }

  /**
   * The node of {@code path} below this one (a tar path, {@code /}-separated), created with its
   * ancestors.
   */
  PlannerNode descend(byte[] path) {
    PlannerNode n = this;
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i > start) {
          n = n.child(new String(path, start, i - start, StandardCharsets.ISO_8859_1));
        }
        start = i + 1;
      }
    }
    return n;
  }

  /** The node of {@code path} below this one, or null; creates no state. */
  @Nullable PlannerNode find(byte[] path) {
    PlannerNode n = this;
    int start = 0;
    for (int i = 0; i <= path.length && n != null; i++) {
      if (i == path.length || path[i] == '/') {
        if (i > start) {
          String key = new String(path, start, i - start, StandardCharsets.ISO_8859_1);
          n = n.children == null ? null : n.children.get(key);
        }
        start = i + 1;
      }
    }
    return n;
  }

  /** A hardlink of an upper layer waiting at this path for the lower version it will share. */
  static final class PendingLink {
    final FileObject link;
    final int fromLayer;
    final String where;

    /**
     * Lowest layer whose entry may still satisfy the link; lower ones were hidden before the link
     * was applied.
     */
    int limit;

    /**
     * The layer whose entry the link is bound to, or -1; a later entry of that same layer re-binds
     * it.
     */
    int boundLayer = -1;

    PendingLink(FileObject link, int fromLayer, String where) {
      this.link = link;
      this.fromLayer = fromLayer;
      this.where = where;
    }
  }
}
