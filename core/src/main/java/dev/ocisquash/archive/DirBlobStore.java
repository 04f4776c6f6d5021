package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** An OCI layout (or docker save) directory, read in place. */
final class DirBlobStore implements BlobStore {
  private final Path root;
  private final String display;

  DirBlobStore(Path root, String display) {
    this.root = root;
    this.display = display;
  }

  private Path file(String path) throws ImageException {
    String n = ArchivePaths.normalize(path);
    if (n == null || path.startsWith("/")) {
      throw new ImageException(
          ImageException.where(display, null, null, "path traversal: '" + path + "' points outside the layout"));
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

  private Path require(String path) throws IOException {
    Path f = file(path);
    if (!Files.isRegularFile(f)) {
      throw new ImageException(ImageException.where(display, null, null, path + " is missing"));
    }
    return f;
  }

  @Override
  public String display() {
    return display;
  }

  @Override
  public void close() {}
}
