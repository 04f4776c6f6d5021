package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.Digest;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Lexical path handling for archive members; links and manifest paths must never leave the archive.
 */
final class ArchivePaths {
  private ArchivePaths() {}

  /**
   * Normalises a member name: strips {@code ./} and duplicate or trailing slashes. Returns null
   * when the name climbs above the root with {@code ..}, so callers can report a traversal.
   */
  static @Nullable String normalize(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : name.split("/", -1)) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(p);
      }
    }
    return String.join("/", parts);
  }

  /**
   * Resolves {@code target} relative to the directory holding {@code member}; null when it escapes.
   */
  static @Nullable String resolveSibling(String member, String target) {
    if (target.startsWith("/")) {
      return null;
    }
    int slash = member.lastIndexOf('/');
    String dir = slash < 0 ? "" : member.substring(0, slash);
    return normalize(dir.isEmpty() ? target : dir + "/" + target);
  }

  /**
   * Checks a path found in a manifest: relative and inside the archive.
   *
   * @throws ImageException "path traversal" naming the file and the path
   */
  static String checked(String display, String path) throws ImageException {
    String n = path.startsWith("/") || path.contains("\\") ? null : normalize(path);
    if (n == null || n.isEmpty()) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              display, null, null, "path traversal: '" + path + "' points outside the archive"));
    }
    return n;
  }

  /** The digest a {@code blobs/ALG/HEX} path names, or null for any other path. */
  static @Nullable Digest blobDigest(String path) {
    if (!path.startsWith("blobs/")) {
      return null;
    }
    String rest = path.substring("blobs/".length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return null;
    }
    try {
      return Digest.parse(rest.substring(0, slash) + ":" + rest.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
