package dev.ocisquash.fuzz;

import dev.ocisquash.TempFiles;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Helpers shared by the fuzz targets. */
final class FuzzSupport {
  private FuzzSupport() {}

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
      w.putEntry(TarEntry.builder(TarEntryType.REGULAR, e.getKey()).mode(0644).size(e.getValue().length).build());
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
