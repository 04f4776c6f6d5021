package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import org.jspecify.annotations.Nullable;

/** A layer of an image read from a {@link BlobStore}. */
final class ArchiveLayer implements SourceLayer {
  private final BlobStore store;
  private final int index;
  private final String location;
  private final Digest diffId;
  private final @Nullable Digest declaredDigest;
  private final long declaredSize;
  private final @Nullable String mediaType;
  private volatile @Nullable Digest computedDigest;
  private volatile @Nullable Compression compression;

  /**
   * @param declaredDigest the digest the manifest (or a {@code blobs/sha256/<hex>} path) promises,
   *     or null for legacy docker layers whose digest is computed on demand
   * @param declaredSize the size the manifest promises, or -1
   */
  ArchiveLayer(
      BlobStore store,
      int index,
      String location,
      Digest diffId,
      @Nullable Digest declaredDigest,
      long declaredSize,
      @Nullable String mediaType) {
    this.store = store;
    this.index = index;
    this.location = location;
    this.diffId = diffId;
    this.declaredDigest = declaredDigest;
    this.declaredSize = declaredSize;
    this.mediaType = mediaType;
  }

  @Override
  public int index() {
    return index;
  }

  /**
   * {@inheritDoc} The number is {@link #index()}: from 0, bottom first, as {@code --from} and
   * {@code analyze} count layers.
   */
  @Override
  public String label() {
    Digest d = declaredDigest != null ? declaredDigest : diffId;
    String text = d.toString();
    int cut = d.algorithm().length() + 1 + 12;
    return "layer " + index + " (" + text.substring(0, Math.min(cut, text.length())) + ")";
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public Digest diffId() {
    return diffId;
  }

  @Nullable Digest declaredDigest() {
    return declaredDigest;
  }

  long declaredSize() {
    return declaredSize;
  }

  String display() {
    return store.display();
  }

  /** Where the blob is stored; a registry destination mounts from a registry source. */
  BlobStore store() {
    return store;
  }

  @Override
  public boolean readsInPlace() {
    return store.randomAccess();
  }

  void rememberDigest(Digest d) {
    if (computedDigest == null) {
      computedDigest = d;
    }
  }

  /**
   * {@inheritDoc} For legacy docker layers this hashes the whole file the first time; the result is
   * cached.
   */
  @Override
  public Digest blobDigest() throws IOException {
    if (declaredDigest != null) {
      return declaredDigest;
    }
    Digest d = computedDigest;
    if (d == null) {
      VerifyingLayerStream.HashingInputStream h =
          new VerifyingLayerStream.HashingInputStream(openRaw(), "SHA-256");
      try (h) {
        byte[] buf = new byte[64 * 1024];
        while (h.read(buf, 0, buf.length) >= 0) {
          // hash everything
        }
      }
      d = VerifyingLayerStream.toDigest("sha256", h.hash.digest());
      computedDigest = d;
    }
    return d;
  }

  @Override
  public long blobSize() throws IOException {
    checkPresent();
    return store.size(location);
  }

  @Override
  public @Nullable String declaredMediaType() {
    return mediaType;
  }

  @Override
  public Compression compression() throws IOException {
    Compression c = compression;
    if (c == null) {
      checkPresent();
      c = Codecs.sniff(store.openHead(location, 16));
      compression = c;
    }
    return c;
  }

  /**
   * The compression to count when choosing the output's: the detected one when known; for a
   * registry, whose every sniff is a request, the one the media type declares (the scan still
   * detects and checks the real one).
   */
  Compression compressionForChoice() throws IOException {
    Compression c = compression;
    if (c != null || store.randomAccess() || mediaType == null) {
      return compression();
    }
    return mediaType.contains("gzip")
        ? Compression.GZIP
        : mediaType.contains("zstd") ? Compression.ZSTD : Compression.NONE;
  }

  @Override
  public LayerStream open() throws IOException {
    if (compression == null && !store.randomAccess()) {
      // A registry: the download's own first bytes tell the compression, which saves a request per
      // layer (a round
      // trip, and on many registries a redirect to blob storage) before the scan can start.
      PushbackInputStream raw = new PushbackInputStream(openRaw(), 4);
      byte[] head = new byte[4];
      int n = raw.readNBytes(head, 0, 4);
      raw.unread(head, 0, n);
      compression = Compression.detect(head, n);
      return new VerifyingLayerStream(this, raw, compression);
    }
    Compression c = compression();
    if (c == Compression.NONE && store.randomAccess()) {
      // Nothing to decompress: the blob's bytes go to the caller as they are, and hashing them (the
      // slow part) runs
      // beside the caller on a second read of the blob.
      return new AsideVerifiedLayerStream(this, openRaw());
    }
    return new VerifyingLayerStream(this, openRaw(), c);
  }

  @Override
  public InputStream openRaw() throws IOException {
    checkPresent();
    return store.open(location);
  }

  @Override
  public int readRaw(long position, java.nio.ByteBuffer dst) throws IOException {
    return store.read(location, position, dst);
  }

  /** Fails with the standard "is missing" message unless the blob is in the input. */
  void checkPresent() throws IOException {
    if (!store.exists(location)) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              store.display(),
              null,
              null,
              "blob " + location + " (layer " + index + ") is missing"));
    }
  }

  @Override
  public String toString() {
    return label();
  }
}
