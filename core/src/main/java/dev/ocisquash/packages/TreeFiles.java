package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.SeekableContent;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Streams database files out of a {@link FileTree}, so that reading them holds one buffer, not the
 * file; resolves the paths databases list.
 */
public final class TreeFiles {
  private TreeFiles() {}

  /** The content of a regular file as a stream; the caller closes it. */
  public static InputStream open(FileTree tree, TreeNode node) throws IOException {
    SeekableContent c = tree.open(node);
    return new InputStream() {
      private long pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n = c.read(pos, b, off, len);
        if (n > 0) {
          pos += n;
        }
        return n <= 0 ? -1 : n;
      }

      @Override
      public void close() throws IOException {
        c.close();
      }
    };
  }

  /**
   * A line reader over a file's content (UTF-8; malformed bytes become U+FFFD, as names in a
   * database are).
   */
  public static BufferedReader lines(FileTree tree, TreeNode node) throws IOException {
    return new BufferedReader(
        new InputStreamReader(open(tree, node), StandardCharsets.UTF_8), 1 << 16);
  }

  /** The whole content of a regular file (database files: small enough to hold). */
  public static byte[] bytes(FileTree tree, TreeNode node) throws IOException {
    try (InputStream in = open(tree, node)) {
      return in.readAllBytes();
    }
  }

  /** The regular file at {@code path}, or null. */
  public static @Nullable TreeNode regular(FileTree tree, String path) {
    TreeNode n = tree.get(path);
    return n != null && n.isRegular() ? n : null;
  }

  /**
   * Normalises a path a database lists relative to {@code base} (RECORD lines such as {@code
   * ../../../bin/x}): resolves {@code .} and {@code ..} lexically, never above the root. Returns
   * null for an empty result.
   */
  public static @Nullable String resolve(String base, String relative) {
    String joined = relative.startsWith("/") ? relative : base + "/" + relative;
    Deque<String> parts = new ArrayDeque<>();
    for (String p : joined.split("/", -1)) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return parts.isEmpty() ? null : "/" + String.join("/", parts);
  }

  /**
   * The path {@code path} names once the symlinks among its parent directories are followed (the
   * last name is not followed), or null when a parent is missing or the links loop. Links resolve
   * within the tree, never the host.
   */
  public static @Nullable String throughLinks(FileTree tree, String path) {
    String p = path;
    for (int hops = 0; hops < 40 && p != null; hops++) {
      boolean followed = false;
      for (int i = p.indexOf('/', 1); i > 0; i = p.indexOf('/', i + 1)) {
        String prefix = p.substring(0, i);
        TreeNode n = tree.get(prefix);
        if (n == null) {
          return null;
        }
        if (n.isSymlink() && n.linkTarget() != null) {
          p = resolve(parent(prefix), n.linkTarget() + p.substring(i));
          followed = true;
          break;
        }
      }
      if (!followed) {
        return p;
      }
    }
    return null;
  }

  /** The parent of an absolute path ({@code "/"} for a top-level name). */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }
}
