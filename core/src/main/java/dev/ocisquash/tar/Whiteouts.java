package dev.ocisquash.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

public final class Whiteouts {
  public static final String PREFIX = ".wh.";
  public static final String OPAQUE = ".wh..wh..opq";
  public enum Kind { NONE, WHITEOUT, OPAQUE, AUFS_META }
  private static final byte[] P = PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] M = ".wh..wh.".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] O = OPAQUE.getBytes(StandardCharsets.US_ASCII);
  public static Kind classify(byte[] path) {
    int s = lastSlash(path) + 1;
    int len = path.length - s;
    if (len == O.length && Arrays.equals(path, s, path.length, O, 0, O.length)) return Kind.OPAQUE;
    int cs = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i - cs >= M.length && Arrays.equals(path, cs, cs + M.length, M, 0, M.length)) return Kind.AUFS_META;
        cs = i + 1;
      }
    }
    if (len >= P.length && Arrays.equals(path, s, s + P.length, P, 0, P.length)) return Kind.WHITEOUT;
    return Kind.NONE;
  }
  static int lastSlash(byte[] p) { for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i; return -1; }
  public static byte[] whiteoutTarget(byte[] path) {
    int s = lastSlash(path) + 1;
    if (path.length - s == P.length) throw new IllegalArgumentException("bare whiteout '.wh.'");
    byte[] out = new byte[path.length - P.length];
    System.arraycopy(path, 0, out, 0, s);
    System.arraycopy(path, s + P.length, out, s, path.length - s - P.length);
    return out;
  }
  public static byte[] parent(byte[] path) { int s = lastSlash(path); return s < 0 ? new byte[0] : Arrays.copyOf(path, s); }
}
