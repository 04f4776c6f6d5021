package dev.ocisquash.tar;

/**
 * Byte-level path normalisation shared by the reader and the writer. Names stay raw bytes
 * throughout because layers may hold names that are not valid UTF-8 and a decode/encode round trip
 * would change them.
 */
final class TarPaths {
  /** Returned by {@link #normalise} when a {@code ..} component is present. */
  static final byte[] TRAVERSAL = new byte[0];

  private TarPaths() {}

  /**
   * Normalises {@code name[0..len)}: drops empty and {@code .} components (which removes leading
   * {@code ./} and {@code /}, doubled and trailing slashes) and joins the rest with single slashes.
   *
   * @return a new array with the normalised path ({@code ""} for the root), or {@link #TRAVERSAL}
   *     (compare by identity) when a component is {@code ..}, which could escape the extraction
   *     root
   */
  static byte[] normalise(byte[] name, int off, int len) {
    if (isClean(name, off, len)) {
      // Fast path: most names in real layers are already clean, so copy once and skip the rebuild.
      byte[] out = new byte[len];
      System.arraycopy(name, off, out, 0, len);
      return out;
    }
    byte[] out = new byte[len];
    int o = 0;
    int end = off + len;
    int i = off;
    while (i < end) {
      int j = i;
      while (j < end && name[j] != '/') {
        j++;
      }
      int clen = j - i;
      if (clen == 0 || (clen == 1 && name[i] == '.')) {
        // empty or "." component: contributes nothing
      } else if (clen == 2 && name[i] == '.' && name[i + 1] == '.') {
        return TRAVERSAL;
      } else {
        if (o > 0) {
          out[o++] = '/';
        }
        System.arraycopy(name, i, out, o, clen);
        o += clen;
      }
      i = j + 1;
    }
    if (o == len) {
      return out;
    }
    byte[] exact = new byte[o];
    System.arraycopy(out, 0, exact, 0, o);
    return exact;
  }

  /** Convenience overload for a whole array. */
  static byte[] normalise(byte[] name) {
    return normalise(name, 0, name.length);
  }

  /** Whether the name needs no change: no empty, "." or ".." components. */
  private static boolean isClean(byte[] name, int off, int len) {
    if (len == 0) {
      return true;
    }
    int end = off + len;
    int start = off;
    for (int i = off; i <= end; i++) {
      if (i == end || name[i] == '/') {
        int clen = i - start;
        if (clen == 0) {
          return false;
        }
        if (name[start] == '.' && (clen == 1 || (clen == 2 && name[start + 1] == '.'))) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /** A name for messages: invalid UTF-8 bytes shown as {@code \xNN}. */
  static String display(byte[] b, int off, int len) {
    return PathNames.display(PathNames.decode(b, off, len));
  }
}
