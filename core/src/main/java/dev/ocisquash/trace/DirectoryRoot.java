package dev.ocisquash.trace;

import dev.ocisquash.strip.SeekableContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TraceRoot} over a directory on disk holding an unpacked image. Paths are looked up one
 * component at a time by {@link PathResolver} and never followed here ({@code NOFOLLOW_LINKS}), so
 * a symlink in the image cannot lead to a host file.
 */
public final class DirectoryRoot implements TraceRoot {
  private final Path root;

  /**
   * @param root the directory that is "/" of the image
   */
  public DirectoryRoot(Path root) {
    this.root = root;
  }

  private Path at(String path) {
    return path.equals("/") ? root : root.resolve(path.substring(1));
  }

  @Override
  public @Nullable Node lookup(String path) throws IOException {
    Path p = at(path);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (java.nio.file.FileSystemException e) {
      return null; // ENOTDIR and the like: nothing there
    }
    return new Node(
        a.isDirectory(), a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : null);
  }

  @Override
  public @Nullable SeekableContent open(String path) throws IOException {
    Path p = at(path);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    return new SeekableContent() {
      @Override
      public long size() {
        try {
          return ch.size();
        } catch (IOException e) {
          return 0;
        }
      }

      @Override
      public int read(long position, byte[] buf, int off, int len) throws IOException {
        return ch.read(ByteBuffer.wrap(buf, off, len), position);
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }
}
