package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Digest;
import dev.ocisquash.registry.BlobUpload;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Pushes an image to a registry as {@link ImageWriter} writes it. A blob the repository has already
 * ({@code HEAD}) is not sent; a kept layer read from the same registry is mounted from its
 * repository; everything else is streamed up as it is produced ({@link
 * dev.ocisquash.registry.BlobUpload}). The manifest goes last, first by digest and only then under
 * the tag, so a failed run never moves the tag: at worst it leaves untagged blobs, which the
 * registry's garbage collection removes.
 */
final class RegistrySink extends OutputSink {
  private final RegistryClient client;
  private final ImageRef dest;
  private final String repo;
  private @Nullable BlobUpload open;

  /** An upload the registry started when it declined a mount, used for the copy that follows. */
  private @Nullable BlobUpload started;

  private long uploadedBytes;

  /** Bytes of the image's layers, sent or not. */
  private long layerBytes;

  private int uploaded;
  private int mounted;
  private int present;

  private final Path teeDir;
  private final TempFiles tempFiles;

  /**
   * @param teeDir where uploads keep a copy of what they send, to start again if the registry drops
   *     them
   * @param tempFiles registry of those copies for signal cleanup
   */
  RegistrySink(RegistryClient client, ImageRef dest, Path teeDir, TempFiles tempFiles) {
    this.client = client;
    this.teeDir = teeDir;
    this.tempFiles = tempFiles;
    this.dest = dest;
    this.repo = dest.repository();
    client.need(repo, "pull,push");
  }

  /** What the push sent and what it saved. */
  PushSummary summary() {
    return new PushSummary(uploaded, uploadedBytes, mounted, present);
  }

  @Override
  void dir(String name) {
    // registries have no directories
  }

  private static Digest digestOf(String name) throws ImageException {
    if (!name.startsWith("blobs/")) {
      throw new ImageException(Kind.INTERNAL, "internal: a registry takes blobs, not " + name);
    }
    String rest = name.substring("blobs/".length());
    return Digest.parse(rest.replace('/', ':'));
  }

  /** True when the repository has the blob already. */
  private boolean present(Digest d) throws ImageException {
    if (client.blobSize(repo, d) >= 0) {
      present++;
      return true;
    }
    return false;
  }

  /**
   * Makes the input layer {@code l} present without sending its bytes, when possible: it is there
   * already, or it can be mounted from the repository it was read from on the same registry.
   *
   * @return true when nothing needs to be sent
   */
  @Override
  boolean reuse(OutputLayer l) throws IOException {
    layerBytes += l.size();
    if (present(l.digest())) {
      return true;
    }
    if (l.source() instanceof ArchiveLayer a
        && a.store() instanceof RegistryBlobStore from
        && from.client().registry().equals(client.registry())) {
      String fromRepo = from.ref().repository();
      client.need(fromRepo, "pull");
      started = client.mountOrStart(repo, l.digest(), fromRepo, teeDir, tempFiles);
      if (started == null) {
        mounted++;
        return true;
      }
    }
    return false;
  }

  @Override
  void file(String name, byte[] data) throws IOException {
    Digest d = digestOf(name);
    if (present(d)) {
      return;
    }
    upload(d, new java.io.ByteArrayInputStream(data), data.length);
  }

  @Override
  void file(String name, Path src, long size) throws IOException {
    Digest d = digestOf(name);
    layerBytes += size;
    if (present(d)) {
      return;
    }
    try (InputStream in = Files.newInputStream(src)) {
      upload(d, in, size);
    }
  }

  @Override
  void file(String name, InputStream in, long size) throws IOException {
    upload(digestOf(name), in, size);
  }

  private void upload(Digest d, InputStream in, long size) throws IOException {
    BlobUpload u = started != null ? started : client.startUpload(repo, teeDir, tempFiles);
    started = null;
    open = u;
    long n = u.copyFrom(in);
    if (n != size) {
      throw new IOException(d + ": source has " + n + " bytes, expected " + size);
    }
    u.complete(d);
    open = null;
    uploadedBytes += n;
    uploaded++;
  }

  @Override
  OutputStream beginFile() throws IOException {
    open = client.startUpload(repo, teeDir, tempFiles);
    return open;
  }

  @Override
  void endFile(String name, long size) throws IOException {
    BlobUpload u = begun();
    if (u.written() != size) {
      throw new IOException(name + ": " + u.written() + " bytes written, expected " + size);
    }
    u.complete(digestOf(name));
    open = null;
    uploadedBytes += size;
    layerBytes += size;
    uploaded++;
  }

  @Override
  void dropFile() {
    begun().abort();
    open = null;
  }

  /** The upload {@link #beginFile} started. */
  private BlobUpload begun() {
    BlobUpload u = open;
    if (u == null) {
      throw new IllegalStateException("no file begun");
    }
    return u;
  }

  /**
   * Pushes the config (unless present), then the manifest by digest, then the tag (when the
   * destination names one). Called once, after every layer.
   */
  void publish(
      byte[] config, Digest configDigest, byte[] manifest, Digest manifestDigest, String mediaType)
      throws IOException {
    file("blobs/" + configDigest.algorithm() + "/" + configDigest.hex(), config);
    client.putManifest(repo, manifestDigest.toString(), manifest, mediaType);
    if (dest.tag() != null) {
      client.putManifest(repo, dest.tag(), manifest, mediaType);
    }
  }

  @Override
  void finish() {
    // publish() completes a push
  }

  /**
   * {@inheritDoc} For a registry: the layers' bytes, sent or not (see {@link #summary()} for what
   * was sent).
   */
  @Override
  long bytes() {
    return layerBytes;
  }

  @Override
  public void close() {
    if (open != null) {
      open.abort();
      open = null;
    }
    if (started != null) {
      started.abort();
      started = null;
    }
    client.close();
  }
}
