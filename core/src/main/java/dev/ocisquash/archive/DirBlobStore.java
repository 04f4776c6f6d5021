package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An OCI layout (or docker save) directory, read in place. */
final class DirBlobStore implements BlobStore {
  private final Path root;
  private final String display;
  // Positional reads come per entry; one channel per blob, opened on first use and closed with the
  // store.
  private final Map<String, FileChannel> channels = new ConcurrentHashMap<>();

  DirBlobStore(Path root, String display) {
    this.root = root;
    this.display = display;
  }

  private Path file(String path) throws ImageException {
    String n = ArchivePaths.normalize(path);
    if (n == null || path.startsWith("/")) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              display, null, null, "path traversal: '" + path + "' points outside the layout"));
    }
    return root.resolve(n);
  }

  @Override
  public boolean exists(String path) throws IOException {
    return Files.isRegularFile(file(path));
  }

  @Override
  public long size(String path) throws IOException {
    return Files.size(require(path));
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(require(path));
  }

  @Override
  public int read(String path, long position, ByteBuffer dst) throws IOException {
    FileChannel ch = channels.get(path);
    if (ch == null) {
      FileChannel opened = FileChannel.open(require(path), StandardOpenOption.READ);
      ch = channels.putIfAbsent(path, opened);
      if (ch == null) {
        ch = opened;
      } else {
        opened.close();
      }
    }
    return ch.read(dst, position);
  }

  private Path require(String path) throws IOException {
    Path f = file(path);
    if (!Files.isRegularFile(f)) {
      throw new ImageException(
          Kind.CORRUPT_INPUT, ImageException.where(display, null, null, path + " is missing"));
    }
    return f;
  }

  @Override
  public String display() {
    return display;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileChannel ch : channels.values()) {
      try {
        ch.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    channels.clear();
    if (first != null) {
      throw first;
    }
  }
}
