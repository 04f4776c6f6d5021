package dev.ocisquash.archive;

import dev.ocisquash.model.Digest;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A layer to be written: either a new blob in a file ({@link #ofFile}) or an input layer copied
 * byte for byte ({@link #copyOf}); or a layer {@link ImageWriter.PendingImage#writeLayer} wrote
 * straight into the output.
 */
public final class OutputLayer {
  private final @Nullable Path blobFile;
  private final @Nullable SourceLayer source;
  private final Digest digest;
  private final Digest diffId;
  private final long size;
  private final String mediaType;
  private final java.util.Map<String, String> annotations;

  private OutputLayer(
      @Nullable Path blobFile,
      @Nullable SourceLayer source,
      Digest digest,
      Digest diffId,
      long size,
      String mediaType) {
    this(blobFile, source, digest, diffId, size, mediaType, java.util.Map.of());
  }

  private OutputLayer(
      @Nullable Path blobFile,
      @Nullable SourceLayer source,
      Digest digest,
      Digest diffId,
      long size,
      String mediaType,
      java.util.Map<String, String> annotations) {
    this.annotations =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
    this.blobFile = blobFile;
    this.source = source;
    this.digest = Objects.requireNonNull(digest, "digest");
    this.diffId = Objects.requireNonNull(diffId, "diffId");
    this.size = size;
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
  }

  /** A new layer whose blob bytes are in {@code blobFile}. */
  public static OutputLayer ofFile(
      Path blobFile, Digest digest, Digest diffId, long size, String mediaType) {
    return ofFile(blobFile, digest, diffId, size, mediaType, java.util.Map.of());
  }

  /**
   * A new layer whose blob bytes are in {@code blobFile}, with annotations for its descriptor in
   * the manifest.
   */
  public static OutputLayer ofFile(
      Path blobFile,
      Digest digest,
      Digest diffId,
      long size,
      String mediaType,
      java.util.Map<String, String> annotations) {
    return new OutputLayer(
        Objects.requireNonNull(blobFile), null, digest, diffId, size, mediaType, annotations);
  }

  /**
   * A new layer already written into a {@link ImageWriter.PendingImage}; it has neither file nor
   * source.
   */
  static OutputLayer written(
      Digest digest,
      Digest diffId,
      long size,
      String mediaType,
      java.util.Map<String, String> annotations) {
    return new OutputLayer(null, null, digest, diffId, size, mediaType, annotations);
  }

  /** An input layer copied unchanged: same bytes, digest and media type. */
  public static OutputLayer copyOf(SourceLayer source, Digest digest, long size, String mediaType) {
    return new OutputLayer(
        null, Objects.requireNonNull(source), digest, source.diffId(), size, mediaType);
  }

  /** The file holding the blob, or null for a copied layer. */
  public @Nullable Path blobFile() {
    return blobFile;
  }

  /** The input layer to copy, or null for a new layer. */
  public @Nullable SourceLayer source() {
    return source;
  }

  /** Digest of the blob bytes. */
  public Digest digest() {
    return digest;
  }

  /** Digest of the uncompressed tar. */
  public Digest diffId() {
    return diffId;
  }

  /** Blob size in bytes. */
  public long size() {
    return size;
  }

  /** Annotations of the layer's descriptor in the manifest, in order; empty for none. */
  public java.util.Map<String, String> annotations() {
    return annotations;
  }

  /** The layer media type written in the OCI manifest. */
  public String mediaType() {
    return mediaType;
  }
}
