package dev.ocisquash.strip;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The nodes of a {@link FileTree} in its parent-first order, numbered, with a lookup by path and
 * the lexical resolution of paths inside the image. Every per-node table of the stripper is indexed
 * by these numbers; a directory's descendants follow it contiguously.
 */
final class ImageIndex {
  /** Symlinks followed by one resolution before it gives up (the kernel's limit is 40 as well). */
  static final int MAX_HOPS = 40;

  private final FileTree tree;
  private final List<TreeNode> nodes = new ArrayList<>();
  private final Map<String, Integer> byPath = new HashMap<>();

  ImageIndex(FileTree tree) {
    this.tree = tree;
    for (TreeNode n : tree.nodes()) {
      byPath.put(n.path(), nodes.size());
      nodes.add(n);
    }
  }

  /** The tree indexed. */
  FileTree tree() {
    return tree;
  }

  /** The number of nodes, the root included. */
  int size() {
    return nodes.size();
  }

  /** The node numbered {@code i}. */
  TreeNode node(int i) {
    return nodes.get(i);
  }

  /** All nodes, parents first. */
  List<TreeNode> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** The number of the node at {@code path}, or null when there is none. */
  @Nullable Integer indexOf(String path) {
    return byPath.get(path);
  }

  /** Opens a regular file's content. */
  SeekableContent open(TreeNode n) throws IOException {
    return tree.open(n);
  }

  /** A lexical walk of a path inside the image. */
  static final class Walk {
    /** Node indices of the symlinks followed, then the final node when it exists. */
    final List<Integer> visited = new ArrayList<>();

    boolean exists;
    String finalPath = ""; // set by every return of resolve

    /** The node the walk ended on (the final node when {@link #exists}). */
    int last() {
      return visited.get(visited.size() - 1);
    }
  }

  /**
   * Resolves a path inside the image, following every symlink (also the last component), at most
   * {@value #MAX_HOPS} of them; never the host's.
   */
  Walk resolve(String path) {
    Walk w = new Walk();
    Deque<String> rem = new ArrayDeque<>(TreePaths.split(path));
    String cur = "/";
    int hops = 0;
    while (!rem.isEmpty()) {
      String c = rem.pollFirst();
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        String up = TreePaths.parentOf(cur);
        cur = up == null ? "/" : up;
        continue;
      }
      String next = TreePaths.join(cur, c);
      Integer idx = byPath.get(next);
      if (idx == null) {
        w.finalPath = next;
        return w;
      }
      TreeNode n = nodes.get(idx);
      if (n.isSymlink()) {
        if (++hops > MAX_HOPS || n.linkTarget() == null) {
          w.finalPath = next;
          return w;
        }
        w.visited.add(idx);
        List<String> t = TreePaths.split(n.linkTarget());
        for (int k = t.size() - 1; k >= 0; k--) {
          rem.addFirst(t.get(k));
        }
        if (n.linkTarget().startsWith("/")) {
          cur = "/";
        }
        continue;
      }
      if (!rem.isEmpty() && !n.isDirectory()) {
        w.finalPath = next;
        return w;
      }
      cur = next;
    }
    w.exists = true;
    w.finalPath = cur;
    w.visited.add(byPath.get(cur));
    return w;
  }
}
