package dev.ocisquash.tar;

import java.util.Arrays;

/**
 * The whiteout naming rules of the OCI image-spec (layer.md), on raw path bytes so that non-UTF-8
 * names are classified exactly. Pure functions, no I/O.
 *
 * <p>Matching is by basename prefix only: {@code foo.wh.bar} and {@code a.wh..wh..opq} are ordinary
 * files. Paths are normalised tar paths (see {@link TarEntry#pathBytes()}): no leading or trailing
 * slash.
 */
public final class Whiteouts {
  /** Prefix of a whiteout basename: {@code .wh.NAME} hides {@code NAME} in lower layers. */
  public static final String PREFIX = ".wh.";

  /** Basename of the opaque marker: hides every lower-layer entry of its directory. */
  public static final String OPAQUE = ".wh..wh..opq";

  /**
   * Prefix of AUFS metadata ({@code .wh..wh.plnk}, {@code .wh..wh.aufs}), which must never reach an
   * image.
   */
  public static final String AUFS_META_PREFIX = ".wh..wh.";

  private static final byte[] PREFIX_B = {'.', 'w', 'h', '.'};
  private static final byte[] OPAQUE_B = {
    '.', 'w', 'h', '.', '.', 'w', 'h', '.', '.', 'o', 'p', 'q'
  };
  private static final byte[] AUFS_B = {'.', 'w', 'h', '.', '.', 'w', 'h', '.'};

  private Whiteouts() {}

  /** What a path means to the layer-merging rules. */
  public enum Kind {
    /** An ordinary entry. */
    NONE,
    /** {@code DIR/.wh.NAME}: deletes {@code DIR/NAME} from lower layers. */
    WHITEOUT,
    /** {@code DIR/.wh..wh..opq}: makes {@code DIR} opaque. */
    OPAQUE,
    /** AUFS bookkeeping ({@code .wh..wh.*} and anything below such a directory): to be dropped. */
    AUFS_META
  }

  /**
   * Classifies a normalised path. The opaque marker is checked first because it also starts with
   * the AUFS prefix; then AUFS metadata, including entries inside an AUFS directory such as {@code
   * .wh..wh.plnk/123.456}; then ordinary whiteouts.
   */
  public static Kind classify(byte[] path) {
    int base = basenameStart(path);
    int blen = path.length - base;
    if (blen == OPAQUE_B.length && regionEquals(path, base, OPAQUE_B)) {
      return Kind.OPAQUE;
    }
    // Any component (basename or a parent directory) starting with ".wh..wh." is AUFS metadata.
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i - start >= AUFS_B.length && regionEquals(path, start, AUFS_B)) {
          return Kind.AUFS_META;
        }
        start = i + 1;
      }
    }
    if (blen >= PREFIX_B.length && regionEquals(path, base, PREFIX_B)) {
      return Kind.WHITEOUT;
    }
    return Kind.NONE;
  }

  /**
   * The path a whiteout hides: its directory plus its basename without {@code .wh.}.
   *
   * @throws IllegalArgumentException if the basename is not a whiteout, or is the bare {@code
   *     .wh.}, which names nothing
   */
  public static byte[] whiteoutTarget(byte[] path) {
    int base = basenameStart(path);
    int blen = path.length - base;
    if (blen < PREFIX_B.length || !regionEquals(path, base, PREFIX_B)) {
      throw new IllegalArgumentException(
          "not a whiteout: '" + TarPaths.display(path, 0, path.length) + "'");
    }
    if (blen == PREFIX_B.length) {
      throw new IllegalArgumentException("bare whiteout '.wh.'");
    }
    byte[] out = new byte[path.length - PREFIX_B.length];
    System.arraycopy(path, 0, out, 0, base);
    System.arraycopy(path, base + PREFIX_B.length, out, base, blen - PREFIX_B.length);
    return out;
  }

  /** The parent directory of a normalised path; empty (the root) for a top-level path. */
  public static byte[] parent(byte[] path) {
    int base = basenameStart(path);
    return base == 0 ? new byte[0] : Arrays.copyOf(path, base - 1);
  }

  /** The whiteout path that hides {@code path}: {@code DIR/.wh.NAME}. */
  public static byte[] whiteoutFor(byte[] path) {
    int base = basenameStart(path);
    if (base == path.length) {
      throw new IllegalArgumentException("cannot white out the root directory");
    }
    byte[] out = new byte[path.length + PREFIX_B.length];
    System.arraycopy(path, 0, out, 0, base);
    System.arraycopy(PREFIX_B, 0, out, base, PREFIX_B.length);
    System.arraycopy(path, base, out, base + PREFIX_B.length, path.length - base);
    return out;
  }

  /** The opaque marker path for directory {@code dir} ({@code ""} for the root). */
  public static byte[] opaqueMarkerFor(byte[] dir) {
    if (dir.length == 0) {
      return OPAQUE_B.clone();
    }
    byte[] out = new byte[dir.length + 1 + OPAQUE_B.length];
    System.arraycopy(dir, 0, out, 0, dir.length);
    out[dir.length] = '/';
    System.arraycopy(OPAQUE_B, 0, out, dir.length + 1, OPAQUE_B.length);
    return out;
  }

  private static int basenameStart(byte[] path) {
    int i = path.length;
    while (i > 0 && path[i - 1] != '/') {
      i--;
    }
    return i;
  }

  private static boolean regionEquals(byte[] a, int off, byte[] b) {
    if (off + b.length > a.length) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      if (a[off + i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
