package dev.ocisquash.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.squash.FlattenedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The data of the HTML treemap: the final tree as nested {@code {n: name, s: bytes, c: colour key,
 * k: children}}. A node's colour key is the one holding most of its bytes ({@link
 * HtmlReport#colourKey}: the preset that would remove it, kept, known bulk without a preset,
 * other). Children smaller than {@link #MIN_FRACTION} of the tree are merged into one "(N smaller)"
 * node, and at most {@link #MAX_NODES} nodes are written, so the page stays small.
 */
final class HtmlTreemap {
  /** At most this many tree nodes go into the page. */
  static final int MAX_NODES = 4000;

  /** Children smaller than this fraction of the whole tree are aggregated. */
  static final double MIN_FRACTION = 1.0 / 4000;

  private HtmlTreemap() {}

  /** A directory tree with sizes and bytes per colour key, built from the final files. */
  private static final class Node {
    final String name;
    long size;
    @Nullable Map<String, Node> children;
    final Map<String, Long> keys = new HashMap<>(2);

    Node(String name) {
      this.name = name;
    }

    void add(long bytes, String key) {
      size += bytes;
      keys.merge(key, bytes, Long::sum);
    }
  }

  static ObjectNode tree(ImageAnalysis a) {
    Node root = new Node("/");
    List<FlattenedImage.Entry> t = a.finalTree();
    for (int i = 0; i < t.size(); i++) {
      FlattenedImage.Entry e = t.get(i);
      if (!e.isRegular() || !e.firstOfInode() || e.size() == 0) {
        continue;
      }
      String key = HtmlReport.colourKey(a.bulkOf(i));
      Node n = root;
      n.add(e.size(), key);
      // A regular file's normalised path has no empty component.
      for (String seg : e.path().split("/", -1)) {
        if (n.children == null) {
          n.children = new HashMap<>();
        }
        n = n.children.computeIfAbsent(seg, Node::new);
        n.add(e.size(), key);
      }
    }
    long min = Math.max(1, (long) (root.size * MIN_FRACTION));
    int[] budget = {MAX_NODES};
    return emit(root, min, budget);
  }

  private static String dominant(Map<String, Long> keys) {
    String best = HtmlReport.OTHER;
    long bestBytes = -1;
    for (Map.Entry<String, Long> c : keys.entrySet()) {
      if (c.getValue() > bestBytes
          || (c.getValue() == bestBytes && c.getKey().compareTo(best) < 0)) {
        best = c.getKey();
        bestBytes = c.getValue();
      }
    }
    return best;
  }

  private static ObjectNode emit(Node n, long min, int[] budget) {
    budget[0]--;
    ObjectNode o = Json.object();
    o.put("n", n.name);
    o.put("s", n.size);
    o.put("c", dominant(n.keys));
    if (n.children != null) {
      List<Node> kids = new ArrayList<>(n.children.values());
      kids.sort(
          (x, y) -> x.size != y.size ? Long.compare(y.size, x.size) : x.name.compareTo(y.name));
      ArrayNode arr = null;
      Node rest = null;
      int restCount = 0;
      for (Node k : kids) {
        if (k.size >= min && budget[0] > 0) {
          if (arr == null) {
            arr = o.putArray("k");
          }
          arr.add(emit(k, min, budget));
        } else {
          if (rest == null) {
            rest = new Node("");
          }
          for (Map.Entry<String, Long> c : k.keys.entrySet()) {
            rest.add(c.getValue(), c.getKey());
          }
          restCount++;
        }
      }
      if (rest != null && rest.size > 0) {
        if (arr == null) {
          arr = o.putArray("k");
        }
        arr.addObject()
            .put("n", "(" + restCount + " smaller)")
            .put("s", rest.size)
            .put("c", dominant(rest.keys))
            .put("agg", true);
        budget[0]--;
      }
    }
    return o;
  }
}
