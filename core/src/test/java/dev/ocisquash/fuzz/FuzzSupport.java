package dev.ocisquash.fuzz;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Helpers shared by the fuzz targets. */
final class FuzzSupport {
  private FuzzSupport() {}

  /** Tight input limits, so that a bomb the fuzzer finds stops quickly. */
  static final Limits LIMITS =
      Limits.defaults().withMaxUncompressedBytes(64L << 20).withMaxEntries(100_000);

  /**
   * What a whole-file target does with one input file; an {@link IOException} is a clean, reported
   * failure.
   */
  interface FileTarget {
    void run(Path dir, Path in) throws IOException;
  }

  /**
   * Writes {@code bytes} (gzipped when asked) to {@code in.tar} in a fresh temporary directory,
   * runs {@code target} on it, accepts an {@link IOException} as a clean failure and deletes the
   * directory.
   */
  static void onFile(byte[] bytes, boolean gzip, FileTarget target) throws IOException {
    Path dir = Files.createTempDirectory("ocisquash-fuzz-");
    try {
      Path in = dir.resolve("in.tar");
      Files.write(in, gzip ? gzip(bytes) : bytes);
      try {
        target.run(dir, in);
      } catch (IOException expected) {
        // a clean, reported failure
      }
    } finally {
      deleteTree(dir);
    }
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(b);
    }
    return bos.toByteArray();
  }

  /** A tar of regular files, in the map's order. */
  static byte[] tar(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(bos);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      w.putEntry(
          TarEntry.builder(TarEntryType.REGULAR, e.getKey())
              .mode(0644)
              .size(e.getValue().length)
              .build());
      w.write(e.getValue(), 0, e.getValue().length);
      w.closeEntry();
    }
    w.finish();
    return bos.toByteArray();
  }

  static void deleteTree(Path p) throws IOException {
    TempFiles.deleteRecursively(p);
  }
}
