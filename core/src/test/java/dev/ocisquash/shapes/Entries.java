package dev.ocisquash.shapes;

import dev.ocisquash.testing.RawTar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files of a shape in the order its tool writes them, written as a directory or as a tar with
 * that order.
 */
final class Entries {
  @SuppressWarnings("ArrayRecordComponent") // test fixture; never compared
  record Entry(String name, byte[] data, int mode, long mtime) {
    boolean dir() {
      return name.endsWith("/");
    }
  }

  private final List<Entry> list = new ArrayList<>();

  Entries add(String name, byte[] data, int mode, long mtime) {
    list.add(new Entry(name, data, mode, mtime));
    return this;
  }

  Entries add(String name, byte[] data) {
    return add(name, data, 0644, 0);
  }

  Entries dir(String name, int mode, long mtime) {
    return add(name, new byte[0], mode, mtime);
  }

  /** Later entries of the same name replace earlier ones, as a second write of a file does. */
  Entries put(String name, byte[] data) {
    list.removeIf(e -> e.name.equals(name));
    return add(name, data);
  }

  /** The data of the entry of that name, or null. */
  byte[] get(String name) {
    return list.stream().filter(e -> e.name.equals(name)).map(Entry::data).findFirst().orElse(null);
  }

  /** Sorted by name, as containerd's writeTar and a directory walk order them. */
  Entries sorted() {
    list.sort(Comparator.comparing(Entry::name));
    return this;
  }

  Path writeDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Entry e : list) {
      Path p = dir.resolve(e.name);
      if (e.dir()) {
        Files.createDirectories(p);
      } else {
        Files.createDirectories(p.getParent());
        Files.write(p, e.data);
      }
    }
    return dir;
  }

  Path writeTar(Path file) throws IOException {
    try (RawTar.Writer t = new RawTar.Writer(file)) {
      for (Entry e : list) {
        if (e.dir()) {
          t.dir(e.name, e.mode, e.mtime);
        } else {
          t.file(e.name, e.data, e.mode, e.mtime);
        }
      }
    }
    return file;
  }
}
