package dev.ocisquash.strip;

import dev.ocisquash.tar.TarEntryType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one {@link FileTree} built from an image: the squash's planned tree and the analysis's
 * flattened tree both map their entries to {@link TreeNode}s plus an opaque handle each, and this
 * class does the rest: the root directory when the entries lack one, the hardlink group keys, the
 * tree order, the path index and {@link #open}.
 *
 * <p>It is sized for trees of millions of paths: the nodes and their handles are two parallel
 * arrays, and the path index is one {@code int} array (open addressing), so a node costs no map
 * entry and no object besides itself. Content is opened through one {@link ContentSource} shared by
 * all nodes, given the node's handle.
 */
public final class IndexedFileTree implements FileTree {
  private final TreeNode[] nodes;
  private final Object[] handles;
  private final List<TreeNode> view;

  /**
   * For each slot, 1 + the index of the node whose path hashes there (after probing), or 0 when
   * free.
   */
  private final int[] slots;

  private final ContentSource<Object> source;

  private IndexedFileTree(TreeNode[] nodes, Object[] handles, ContentSource<Object> source) {
    this.nodes = nodes;
    this.handles = handles;
    this.view = Collections.unmodifiableList(Arrays.asList(nodes));
    this.source = source;
    // Half full at most, so that a probe stays short.
    this.slots = new int[Integer.highestOneBit(Math.max(nodes.length, 1) * 2 - 1) * 2];
    for (int i = 0; i < nodes.length; i++) {
      int s = slot(nodes[i].path());
      while (slots[s] != 0) {
        if (nodes[slots[s] - 1].path().equals(nodes[i].path())) {
          throw new IllegalArgumentException("two nodes at " + nodes[i].path());
        }
        s = (s + 1) & (slots.length - 1);
      }
      slots[s] = i + 1;
    }
  }

  /**
   * Starts a tree whose regular files are read through {@code source}.
   *
   * @param source opens a regular file of the tree given the handle it was added with
   * @param <H> the type of the handles
   * @return an empty builder
   */
  public static <H> Builder<H> builder(ContentSource<H> source) {
    return new Builder<>(source);
  }

  @Override
  public Iterable<TreeNode> nodes() {
    return view;
  }

  @Override
  public @Nullable TreeNode get(String path) {
    int i = indexOf(path);
    return i < 0 ? null : nodes[i];
  }

  /**
   * Opens a regular file through the tree's {@link ContentSource}.
   *
   * @throws IOException naming the path when {@code node} is not a regular file of this tree, or
   *     when the source fails
   */
  @Override
  public SeekableContent open(TreeNode node) throws IOException {
    int i = indexOf(node.path());
    if (i < 0 || nodes[i] != node || !node.isRegular()) {
      throw new IOException(node.path() + ": not a regular file of this tree");
    }
    return source.open(node, handles[i]);
  }

  private int indexOf(String path) {
    for (int s = slot(path); slots[s] != 0; s = (s + 1) & (slots.length - 1)) {
      int i = slots[s] - 1;
      if (nodes[i].path().equals(path)) {
        return i;
      }
    }
    return -1;
  }

  private int slot(String path) {
    int h = path.hashCode();
    return (h ^ (h >>> 16)) & (slots.length - 1);
  }

  /**
   * Opens the content of one regular file, given what its node was added with.
   *
   * @param <H> the type of the handles
   */
  @FunctionalInterface
  public interface ContentSource<H> {
    /**
     * Opens the content of a regular file.
     *
     * @param node a regular file of the tree
     * @param handle what {@code node} was added with
     * @return the content, for random access
     * @throws IOException when the content cannot be read
     */
    SeekableContent open(TreeNode node, H handle) throws IOException;
  }

  /**
   * Collects the nodes of one tree, each with its handle.
   *
   * @param <H> the type of the handles
   */
  public static final class Builder<H> {
    private final ContentSource<H> source;
    private final List<TreeNode> nodes = new ArrayList<>();
    private final List<Object> handles = new ArrayList<>();
    private boolean root;
    private boolean keepOrder;

    private Builder(ContentSource<H> source) {
      this.source = source;
    }

    /**
     * Adds a node. Its {@link TreeNode#groupKey()} names the content object behind it (every name
     * of one object gives the same key, by {@code equals}); {@link #build} keeps the key only where
     * the object has more than one name, so that callers need not count names themselves.
     *
     * @param node the node; its path must differ from every other node's
     * @param handle what {@link ContentSource#open} is given for this node; may be null
     * @return this builder
     */
    public Builder<H> add(TreeNode node, @Nullable H handle) {
      nodes.add(node);
      handles.add(handle);
      root |= node.path().equals("/");
      return this;
    }

    /**
     * Keeps the nodes in the order added instead of sorting them with {@link
     * TreePaths#comparePaths}. For a caller whose entries already come parents first in the order
     * its output is written in: the layer grouping takes the first name of a hardlink group in tree
     * order, so that order must stay the writer's (byte order, which differs from string order for
     * some non-UTF-8 and non-BMP names).
     *
     * @return this builder
     */
    public Builder<H> keepOrder() {
      keepOrder = true;
      return this;
    }

    /**
     * The tree: a root directory (mode 0755) first when none was added, group keys cleared where
     * only one node has them, nodes sorted unless {@link #keepOrder} was asked for.
     *
     * @return the tree
     * @throws IllegalArgumentException when two nodes have the same path
     */
    @SuppressWarnings(
        "unchecked") // the source reads the handles it was given, stored here as Object
    public IndexedFileTree build() {
      if (!root) {
        nodes.add(0, new TreeNode("/", TarEntryType.DIRECTORY, null, 0, 0755, null));
        handles.add(0, null);
        root = true;
      }
      Map<Object, Integer> names = new HashMap<>();
      for (TreeNode n : nodes) {
        if (n.groupKey() != null) {
          names.merge(n.groupKey(), 1, Integer::sum);
        }
      }
      TreeNode[] ns = new TreeNode[nodes.size()];
      for (int i = 0; i < ns.length; i++) {
        TreeNode n = nodes.get(i);
        ns[i] =
            n.groupKey() == null || names.getOrDefault(n.groupKey(), 0) > 1 ? n : withoutGroup(n);
      }
      Object[] hs = handles.toArray();
      if (!keepOrder) {
        Integer[] order = new Integer[ns.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> TreePaths.comparePaths(ns[a].path(), ns[b].path()));
        TreeNode[] sortedNodes = new TreeNode[ns.length];
        Object[] sortedHandles = new Object[ns.length];
        for (int i = 0; i < ns.length; i++) {
          sortedNodes[i] = ns[order[i]];
          sortedHandles[i] = hs[order[i]];
        }
        return new IndexedFileTree(sortedNodes, sortedHandles, (ContentSource<Object>) source);
      }
      return new IndexedFileTree(ns, hs, (ContentSource<Object>) source);
    }

    private static TreeNode withoutGroup(TreeNode n) {
      return new TreeNode(n.path(), n.type(), n.linkTarget(), n.size(), n.mode(), null);
    }
  }
}
