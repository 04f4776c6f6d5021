package dev.ocisquash.cli;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The report files of one run ({@code --report-json}, {@code --json}, {@code --html}): all are
 * checked before the work starts, written to temporary files beside their targets, and renamed into
 * place together once all are complete; a run that fails leaves none of them. The temporary files
 * are registered with the run's {@link TempFiles}, so an interrupted run deletes them too.
 */
final class OutputFiles {
  private final TempFiles tempFiles;
  private final Map<Path, Path> staged = new LinkedHashMap<>();

  OutputFiles(TempFiles tempFiles) {
    this.tempFiles = tempFiles;
  }

  /**
   * Checks that {@code file}, given with {@code option}, can be written: its directory exists and
   * is writable, and it is not itself a directory. Null is allowed (the option was not given).
   *
   * @throws ImageException naming the option, the file and the reason
   */
  static void check(String option, @Nullable Path file) throws ImageException {
    if (file == null) {
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    String why = null;
    if (Files.isDirectory(file)) {
      why = "it already exists and is a directory";
    } else if (dir == null || !Files.exists(dir)) {
      why = "directory " + dir + " does not exist";
    } else if (!Files.isDirectory(dir)) {
      why = dir + " is not a directory";
    } else if (!Files.isWritable(dir)) {
      why = "directory " + dir + " is not writable";
    } else if (Files.exists(file) && !Files.isWritable(file)) {
      why = "it exists and is not writable";
    }
    if (why != null) {
      throw new ImageException(Kind.OUTPUT_FAILED, option + " " + file + ": cannot write: " + why);
    }
  }

  /** A new temporary file beside {@code target}, to be renamed onto it by {@link #commit()}. */
  Path stage(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    tempFiles.register(temp);
    staged.put(target, temp);
    return temp;
  }

  /** Renames every staged file onto its target. */
  void commit() throws IOException {
    for (Map.Entry<Path, Path> e : staged.entrySet()) {
      try {
        Files.move(
            e.getValue(),
            e.getKey(),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException x) {
        Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING);
      }
      tempFiles.unregister(e.getValue());
    }
    staged.clear();
  }

  /** Deletes every staged file that was not committed. */
  void abort() {
    for (Path temp : staged.values()) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // best effort: the shutdown hook tries again
      }
      tempFiles.unregister(temp);
    }
    staged.clear();
  }
}
