package dev.ocisquash.trace;

import dev.ocisquash.strip.SeekableContent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory image tree for the resolver tests: directories are implied by the paths below them.
 */
final class FakeRoot implements TraceRoot {
  private final Map<String, Node> nodes = new HashMap<>();
  private final Map<String, byte[]> content = new HashMap<>();

  FakeRoot file(String path, String text) {
    parents(path);
    nodes.put(path, new Node(false, null));
    content.put(path, text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  FakeRoot link(String path, String target) {
    parents(path);
    nodes.put(path, new Node(false, target));
    return this;
  }

  private void parents(String path) {
    for (int i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) {
      nodes.putIfAbsent(path.substring(0, i), new Node(true, null));
    }
  }

  @Override
  public Node lookup(String path) {
    return path.equals("/") ? new Node(true, null) : nodes.get(path);
  }

  @Override
  public SeekableContent open(String path) {
    byte[] b = content.get(path);
    if (b == null) {
      return null;
    }
    return new SeekableContent() {
      @Override
      public long size() {
        return b.length;
      }

      @Override
      public int read(long position, byte[] buf, int off, int len) {
        if (position >= b.length) {
          return -1;
        }
        int n = (int) Math.min(len, b.length - position);
        System.arraycopy(b, (int) position, buf, off, n);
        return n;
      }

      @Override
      public void close() {}
    };
  }
}
