package dev.ocisquash.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Read-only access to the members of an input: a tar read in place, or a directory. Paths are
 * archive-relative with {@code /} separators. Implementations refuse paths that would leave the
 * input.
 */
interface BlobStore extends Closeable {
  /** True when a regular member exists at the path (after following links). */
  boolean exists(String path) throws IOException;

  /** Size in bytes of the member. */
  long size(String path) throws IOException;

  /** Opens the member's bytes. Streams are independent and may be open at the same time. */
  InputStream open(String path) throws IOException;

  /**
   * Reads bytes of a member at {@code position} (counted from the member's start) into {@code dst},
   * without streaming from its start; used to read content of uncompressed layers in place instead
   * of copying it aside.
   *
   * @return bytes read, or -1 when {@code position} is at or past the member's end
   */
  int read(String path, long position, java.nio.ByteBuffer dst) throws IOException;

  /**
   * Opens the first {@code n} bytes of a member (or fewer when it is shorter), for sniffing its
   * format; a registry asks for just those bytes instead of starting the whole download.
   */
  default InputStream openHead(String path, int n) throws IOException {
    return open(path);
  }

  /** Reads a small member whole, refusing anything larger than {@code limit} bytes. */
  default byte[] readSmall(String path, int limit) throws IOException {
    long size = size(path);
    if (size > limit) {
      throw new dev.ocisquash.ImageException(
          dev.ocisquash.ImageException.Kind.LIMIT_EXCEEDED,
          dev.ocisquash.ImageException.where(
              display(),
              null,
              null,
              path + " is " + size + " bytes, too large for a JSON document"));
    }
    try (InputStream in = open(path)) {
      return in.readAllBytes();
    }
  }

  /**
   * Whether positional reads ({@link #read}) are cheap, so that content of uncompressed layers can
   * be read again in place instead of being copied aside. False for a registry, where each would be
   * a new request.
   */
  default boolean randomAccess() {
    return true;
  }

  /** The input as the user named it, for messages. */
  String display();
}
