package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.IndexJson;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.ManifestJson;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An image in a registry seen as an OCI layout, so that {@link OciReader} reads it as it reads a
 * layout: {@code index.json} is made up, naming the manifest (or index) the reference points to;
 * {@code blobs/sha256/HEX} is that manifest, a manifest an index lists (both fetched whole, they
 * are small), or a blob streamed from the registry. A blob listed in a fetched manifest is taken to
 * exist without asking, as registries refuse manifests with missing blobs; its size comes from the
 * manifest. Layer bytes are never stored: each open is a new download.
 */
final class RegistryBlobStore implements BlobStore {
  private final RegistryClient client;
  private final ImageRef ref;
  private final byte[] indexJson;

  /** Manifests and indexes fetched, by digest. */
  private final Map<Digest, byte[]> documents = new ConcurrentHashMap<>();

  /** Digests an index lists: fetched from the manifests endpoint, not the blobs one. */
  private final Set<Digest> manifestDigests = ConcurrentHashMap.newKeySet();

  /** Sizes of blobs named by a fetched manifest. */
  private final Map<Digest, Long> blobSizes = new ConcurrentHashMap<>();

  private RegistryBlobStore(RegistryClient client, ImageRef ref, byte[] indexJson) {
    this.client = client;
    this.ref = ref;
    this.indexJson = indexJson;
  }

  /**
   * The tag or digest to pull {@code ref} by.
   *
   * @throws ImageException naming {@code ref} when it has neither (a reference made for a push by
   *     digest)
   */
  static String pullReference(ImageRef ref) throws ImageException {
    String reference = ref.reference();
    if (reference == null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          ImageRef.SCHEME
              + ref.registry()
              + "/"
              + ref.repository()
              + ": names neither a tag nor a digest to pull");
    }
    return reference;
  }

  /** Fetches the manifest {@code ref} names and sets up the layout view around it. */
  static RegistryBlobStore open(RegistryClient client, ImageRef ref) throws IOException {
    client.need(ref.repository(), "pull");
    RegistryClient.Manifest m = client.manifest(ref.repository(), pullReference(ref));
    String type = m.mediaType();
    if (!MediaTypes.isIndex(type) && !MediaTypes.isManifest(type)) {
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT,
          ref
              + ": the registry serves a manifest of type '"
              + type
              + "'; only OCI and Docker schema 2 images"
              + " and indexes can be read (Docker schema 1 is not supported)");
    }
    IndexJson index = IndexJson.newOci();
    ObjectNode a =
        DescriptorJson.add(index.manifests(), type, m.digest(), m.bytes().length).annotations();
    a.put(MediaTypes.ANNOTATION_CONTAINERD_NAME, ref.name());
    if (ref.tag() != null) {
      a.put(MediaTypes.ANNOTATION_REF_NAME, ref.tag());
    }
    RegistryBlobStore store = new RegistryBlobStore(client, ref, Json.canonicalBytes(index.json()));
    store.remember(m.digest(), m.bytes());
    return store;
  }

  /** The registry client, for a destination on the same registry to mount blobs from this one. */
  RegistryClient client() {
    return client;
  }

  /** The reference read. */
  ImageRef ref() {
    return ref;
  }

  private void remember(Digest digest, byte[] bytes) {
    documents.put(digest, bytes);
    JsonNode doc;
    try {
      doc = Json.parse(bytes);
    } catch (IOException e) {
      return; // the reader reports invalid JSON with its own message
    }
    if (!doc.isObject()) {
      return;
    }
    JsonNode entries = new IndexJson((ObjectNode) doc).manifestsNode();
    for (JsonNode n : entries == null ? Json.array() : entries) {
      Digest child = digestOf(DescriptorJson.of(n));
      if (child != null) {
        manifestDigests.add(child);
      }
    }
    ManifestJson manifest = new ManifestJson((ObjectNode) doc);
    sizeOf(manifest.config());
    for (DescriptorJson n : manifest.layers()) {
      sizeOf(n);
    }
  }

  private void sizeOf(@Nullable DescriptorJson n) {
    if (n == null) {
      return;
    }
    Digest d = digestOf(n);
    if (d != null && n.size() >= 0) {
      blobSizes.put(d, n.size());
    }
  }

  private static @Nullable Digest digestOf(@Nullable DescriptorJson n) {
    if (n == null || n.digestText() == null) {
      return null;
    }
    try {
      return Digest.parse(n.digestText());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private byte @Nullable [] document(Digest d) throws IOException {
    byte[] b = documents.get(d);
    if (b == null && manifestDigests.contains(d)) {
      b = client.manifest(ref.repository(), d.toString()).bytes();
      remember(d, b);
    }
    return b;
  }

  @Override
  public boolean exists(String path) throws IOException {
    if (path.equals("index.json") || path.equals("oci-layout")) {
      return true;
    }
    Digest d = ArchivePaths.blobDigest(path);
    if (d == null) {
      return false;
    }
    if (documents.containsKey(d) || blobSizes.containsKey(d)) {
      return true;
    }
    if (manifestDigests.contains(d)) {
      return client.hasManifest(ref.repository(), d);
    }
    long size = client.blobSize(ref.repository(), d);
    if (size >= 0) {
      blobSizes.put(d, size);
    }
    return size >= 0;
  }

  @Override
  public long size(String path) throws IOException {
    byte[] fixed = fixed(path);
    if (fixed != null) {
      return fixed.length;
    }
    Digest d = require(path);
    byte[] doc = document(d);
    if (doc != null) {
      return doc.length;
    }
    Long s = blobSizes.get(d);
    if (s == null) {
      long head = client.blobSize(ref.repository(), d);
      if (head < 0) {
        throw new ImageException(
            Kind.CORRUPT_INPUT, ImageException.where(display(), null, null, path + " is missing"));
      }
      s = head;
      blobSizes.put(d, s);
    }
    return s;
  }

  @Override
  public InputStream open(String path) throws IOException {
    byte[] fixed = fixed(path);
    if (fixed != null) {
      return new ByteArrayInputStream(fixed);
    }
    Digest d = require(path);
    byte[] doc = document(d);
    if (doc != null) {
      return new ByteArrayInputStream(doc);
    }
    return client.openBlob(ref.repository(), d, blobSizes.getOrDefault(d, -1L));
  }

  @Override
  public InputStream openHead(String path, int n) throws IOException {
    Digest d = ArchivePaths.blobDigest(path);
    if (d == null || document(d) != null) {
      return open(path);
    }
    return client.openBlobHead(ref.repository(), d, n);
  }

  /**
   * {@inheritDoc} Reached only for reads the squash does not make on a registry (see {@link
   * #randomAccess()}); it streams from the start, as a registry has no cheap random access worth
   * relying on.
   */
  @Override
  public int read(String path, long position, ByteBuffer dst) throws IOException {
    try (InputStream in = open(path)) {
      in.skipNBytes(position);
      int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    } catch (java.io.EOFException e) {
      return -1;
    }
  }

  @Override
  public boolean randomAccess() {
    return false;
  }

  private byte @Nullable [] fixed(String path) {
    if (path.equals("index.json")) {
      return indexJson;
    }
    if (path.equals("oci-layout")) {
      return "{\"imageLayoutVersion\":\"1.0.0\"}"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    return null;
  }

  private Digest require(String path) throws ImageException {
    Digest d = ArchivePaths.blobDigest(path);
    if (d == null) {
      throw new ImageException(
          Kind.CORRUPT_INPUT, ImageException.where(display(), null, null, path + " is missing"));
    }
    return d;
  }

  @Override
  public String display() {
    return ref.toString();
  }

  @Override
  public void close() {
    client.close();
  }
}
