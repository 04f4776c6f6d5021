package dev.ocisquash.squash;

import dev.ocisquash.tar.Whiteouts;

/**
 * The order entries are written in: path components compared one by one as unsigned bytes, a parent
 * before its children, and within one directory whiteout markers before their siblings, as
 * image-spec layer.md asks. The order depends only on the paths, so output is the same whatever
 * order the layers were read in.
 */
final class PathOrder {
  private PathOrder() {}

  /** Compares two normalised paths. */
  static int compare(byte[] a, byte[] b) {
    int ia = 0;
    int ib = 0;
    while (true) {
      boolean endA = ia >= a.length;
      boolean endB = ib >= b.length;
      if (endA || endB) {
        return endA && endB ? 0 : endA ? -1 : 1; // a parent sorts before its children
      }
      int ea = end(a, ia);
      int eb = end(b, ib);
      int c = compareComponent(a, ia, ea, b, ib, eb);
      if (c != 0) {
        return c;
      }
      ia = ea + 1;
      ib = eb + 1;
    }
  }

  private static int end(byte[] p, int from) {
    int i = from;
    while (i < p.length && p[i] != '/') {
      i++;
    }
    return i;
  }

  private static int compareComponent(byte[] a, int sa, int ea, byte[] b, int sb, int eb) {
    boolean ma = isMarker(a, sa, ea);
    boolean mb = isMarker(b, sb, eb);
    if (ma != mb) {
      return ma ? -1 : 1;
    }
    int la = ea - sa;
    int lb = eb - sb;
    int n = Math.min(la, lb);
    for (int i = 0; i < n; i++) {
      int x = a[sa + i] & 0xff;
      int y = b[sb + i] & 0xff;
      if (x != y) {
        return x - y;
      }
    }
    return la - lb;
  }

  private static boolean isMarker(byte[] p, int s, int e) {
    String prefix = Whiteouts.PREFIX;
    if (e - s < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (p[s + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
