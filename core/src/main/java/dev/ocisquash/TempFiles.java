package dev.ocisquash;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The temporary files and directories of one run (spool, layer blob, output temp), so that
 * something outside the run, typically the CLI's shutdown hook on SIGINT/SIGTERM, can delete them
 * when the run cannot finish normally.
 *
 * <p>One instance per run; the library keeps no global registry, so concurrent runs in one JVM
 * never see each other's files. Thread-safe: the shutdown hook calls {@link #deleteAll()} from
 * another thread while the run may still be creating files. Once {@link #deleteAll()} ran, the
 * registry is closed: a later {@link #register} deletes the path at once and throws, so a run
 * racing with its own cancellation cannot leave a file behind.
 */
public final class TempFiles {
  private final Set<Path> paths = new LinkedHashSet<>();
  private boolean closed;

  /** Creates an empty, open registry. */
  public TempFiles() {}

  /** A registry for callers that do not care; still tracks, so it behaves the same. */
  public static TempFiles none() {
    return new TempFiles();
  }

  /**
   * Records a temporary path the run just created.
   *
   * @throws ImageException when the run was cancelled; the path has then already been deleted
   */
  public void register(Path p) throws IOException {
    synchronized (this) {
      if (!closed) {
        paths.add(p.toAbsolutePath());
        return;
      }
    }
    deleteRecursively(p);
    throw new ImageException(
        ImageException.Kind.INTERRUPTED, "cancelled: temporary files were removed");
  }

  /** Forgets a path the run deleted itself or renamed into place; does nothing for null. */
  public synchronized void unregister(@Nullable Path p) {
    if (p != null) {
      paths.remove(p.toAbsolutePath());
    }
  }

  /**
   * Throws when the run was cancelled. Called right before the final rename, so a cancelled run
   * does not publish an output.
   */
  public synchronized void checkNotCancelled() throws ImageException {
    if (closed) {
      throw new ImageException(
          ImageException.Kind.INTERRUPTED, "cancelled: temporary files were removed");
    }
  }

  /** Whether {@link #deleteAll()} ran. */
  public synchronized boolean isCancelled() {
    return closed;
  }

  /** The paths currently registered, oldest first (for tests and diagnostics). */
  public synchronized List<Path> paths() {
    return new ArrayList<>(paths);
  }

  /**
   * Closes the registry and deletes every registered path, directories recursively. Best effort: a
   * path that cannot be deleted is skipped, because this runs in a shutdown hook where nobody could
   * act on an error.
   */
  public void deleteAll() {
    List<Path> todo;
    synchronized (this) {
      closed = true;
      todo = new ArrayList<>(paths);
      paths.clear();
    }
    for (Path p : todo) {
      try {
        deleteRecursively(p);
      } catch (IOException | RuntimeException e) {
        // best effort, see above
      }
    }
  }

  /** Deletes a file or a directory tree, never following symlinks. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(p);
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // vanished while we walked: fine
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
