package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.ManifestJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SourceImage} the readers build. Owns the blob store and the temp file of a
 * decompressed input.
 */
final class ArchiveImage implements SourceImage {
  private final BlobStore store;
  private final ArchiveFamily family;
  private final ObjectNode config;
  private final Digest configDigest;
  private final long configSize;
  private @Nullable ObjectNode manifest; // null until synthesised, for formats without one
  private final List<String> names;
  private final List<SourceLayer> layers;
  private @Nullable Path tempFile;

  ArchiveImage(
      BlobStore store,
      ArchiveFamily family,
      ObjectNode config,
      Digest configDigest,
      long configSize,
      @Nullable ObjectNode manifest,
      List<String> names,
      List<SourceLayer> layers) {
    this.store = store;
    this.family = family;
    this.config = config;
    this.configDigest = configDigest;
    this.configSize = configSize;
    this.manifest = manifest;
    this.names = List.copyOf(names);
    this.layers = List.copyOf(layers);
  }

  void deleteOnClose(@Nullable Path temp) {
    this.tempFile = temp;
  }

  @Override
  public String source() {
    return store.display();
  }

  @Override
  public ArchiveFamily family() {
    return family;
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** The digest of the config bytes as stored. */
  Digest configDigest() {
    return configDigest;
  }

  /**
   * {@inheritDoc}
   *
   * <p>For legacy docker archives the synthesised manifest needs every layer's digest, so the first
   * call hashes the layer files that have none declared (results are cached).
   */
  @Override
  public synchronized ObjectNode manifest() {
    if (manifest == null) {
      try {
        manifest = synthesise();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return manifest.deepCopy();
  }

  private ObjectNode synthesise() throws IOException {
    ManifestJson m = ManifestJson.newOci(configDigest, configSize);
    for (SourceLayer l : layers) {
      m.addLayer(l.compression().ociLayerMediaType(), l.blobDigest(), l.blobSize());
    }
    return m.json();
  }

  @Override
  public List<String> names() {
    return names;
  }

  @Override
  public List<SourceLayer> layers() {
    return layers;
  }

  /**
   * {@inheritDoc} Detected from magic bytes (from a registry: as declared, see {@link
   * ArchiveLayer#compressionForChoice}); a tie goes to the compression of the topmost tied layer.
   */
  @Override
  public Compression predominantCompression() {
    Map<Compression, Integer> counts = new EnumMap<>(Compression.class);
    Compression best = Compression.NONE;
    int bestCount = 0;
    try {
      for (SourceLayer l : layers) {
        Compression c = l instanceof ArchiveLayer a ? a.compressionForChoice() : l.compression();
        int n = counts.merge(c, 1, Integer::sum);
        if (n >= bestCount) {
          best = c;
          bestCount = n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return best;
  }

  @Override
  public void close() throws IOException {
    try {
      store.close();
    } finally {
      if (tempFile != null) {
        Files.deleteIfExists(tempFile);
      }
    }
  }
}
