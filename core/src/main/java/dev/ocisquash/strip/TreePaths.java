package dev.ocisquash.strip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * String helpers for the absolute, normalised paths of a {@link FileTree}: the one parent-first
 * order every tree is sorted in, parents, joins, glob escaping and lexical normalisation. Shared by
 * the stripper, the trees built from images and the in-memory trees of tests, so that all of them
 * agree on one order.
 */
public final class TreePaths {
  private TreePaths() {}

  /**
   * Orders paths so that a parent sorts before its children and siblings sort by name: {@code '/'}
   * compares lower than every other character.
   *
   * @param a one absolute path
   * @param b another absolute path
   * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
   */
  static int comparePaths(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x == '/') {
          return -1;
        }
        if (y == '/') {
          return 1;
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /**
   * The parent of an absolute path.
   *
   * @param path an absolute normalised path
   * @return the parent directory's path, or null for the root
   */
  static @Nullable String parentOf(String path) {
    if (path.equals("/")) {
      return null;
    }
    int i = path.lastIndexOf('/');
    return i == 0 ? "/" : path.substring(0, i);
  }

  /** The path of {@code name} inside directory {@code dir}. */
  static String join(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  /** A glob that matches exactly the literal path {@code path}: its glob metacharacters escaped. */
  public static String escape(String path) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if ("*?[]{}\\,".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** The non-empty components of a path. */
  static List<String> split(String p) {
    List<String> out = new ArrayList<>();
    for (String c : p.split("/", -1)) {
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Lexical normalisation of an absolute path ({@code .} and {@code ..} removed, no symlinks
   * followed).
   */
  static String normalise(String p) {
    Deque<String> st = new ArrayDeque<>();
    for (String c : split(p)) {
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        st.pollLast();
      } else {
        st.addLast(c);
      }
    }
    return st.isEmpty() ? "/" : "/" + String.join("/", st);
  }
}
