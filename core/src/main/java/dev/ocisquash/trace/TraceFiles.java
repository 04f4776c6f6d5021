package dev.ocisquash.trace;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the files given to {@code --trace}: a trace written by {@code ocisquash trace} (JSON), or a
 * raw {@code strace -f -e trace=%file,%process -o LOG} log taken wherever the workload runs,
 * resolved here against the image. A JSON trace starts with <code>&#123;</code>, a log does not.
 */
public final class TraceFiles {
  private TraceFiles() {}

  /**
   * Reads and merges traces.
   *
   * @param files the files, in the order given
   * @param root the image tree raw logs are resolved against
   * @param workingDir the directory a raw log's first process started in (the image's WorkingDir,
   *     or "/")
   * @throws ImageException naming the file (and line, for a log) that cannot be read
   */
  public static Trace read(List<Path> files, TraceRoot root, @Nullable String workingDir)
      throws IOException {
    List<Trace> all = new ArrayList<>();
    for (Path f : files) {
      all.add(read(f, root, workingDir));
    }
    return Trace.merge(all);
  }

  /** Reads one trace file. */
  public static Trace read(Path file, TraceRoot root, @Nullable String workingDir)
      throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageException(Kind.INVALID_ARGUMENT, file + ": no such trace file");
    } catch (IOException e) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT, file + ": cannot read the trace file: " + e.getMessage(), e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.stripLeading().startsWith("{")) {
      return Trace.fromJson(file.toString(), bytes);
    }
    String cwd = workingDir == null || workingDir.isEmpty() ? "/" : workingDir;
    StraceLog.Result log =
        StraceLog.read(file.toString(), text.lines().toList(), new StraceLog.Options(cwd, null));
    if (log.calls() == 0) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT, file + ": not a trace file: no strace lines in it");
    }
    return new Trace(List.of(), new PathResolver(root).touched(log));
  }
}
