package dev.ocisquash.model;

import org.jspecify.annotations.Nullable;

/**
 * Media type strings for OCI and Docker image objects. Kept in one place so that readers accept
 * every spelling that real tools write, and writers always emit the same ones.
 */
public final class MediaTypes {
  /** OCI image index (multi-platform list or layout index). */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI uncompressed layer. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

  /** OCI gzip layer. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI zstd layer. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI non-distributable (foreign) uncompressed layer; deprecated but still seen. */
  public static final String OCI_LAYER_NONDIST =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  /** OCI non-distributable (foreign) gzip layer. */
  public static final String OCI_LAYER_NONDIST_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** OCI non-distributable (foreign) zstd layer. */
  public static final String OCI_LAYER_NONDIST_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

  /** Docker manifest list (multi-platform). */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image manifest, schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker image config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker uncompressed layer. */
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";

  /** Docker gzip layer. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker foreign (Windows base) layer, not distributed with the image. */
  public static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Annotation holding the OCI ref name (usually just the tag). */
  public static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";

  /** Annotation containerd and Docker 25+ use for the full image name. */
  public static final String ANNOTATION_CONTAINERD_NAME = "io.containerd.image.name";

  private MediaTypes() {}

  /** True for an image index or a Docker manifest list: a descriptor to follow, not an image. */
  public static boolean isIndex(@Nullable String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /** True for an OCI or Docker schema 2 image manifest. */
  public static boolean isManifest(@Nullable String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /**
   * Whether the type names a tar filesystem layer (OCI or Docker, any compression), rather than an
   * artifact.
   */
  public static boolean isFilesystemLayer(String mediaType) {
    // Prefix match keeps future suffixes (+lz4, +encrypted are refused elsewhere if undecodable)
    // readable.
    return mediaType.startsWith("application/vnd.oci.image.layer.")
        || mediaType.startsWith("application/vnd.docker.image.rootfs.");
  }

  /** True for foreign / non-distributable layers, whose blobs are usually not in the archive. */
  public static boolean isForeignLayer(@Nullable String mediaType) {
    return DOCKER_FOREIGN_LAYER.equals(mediaType)
        || OCI_LAYER_NONDIST.equals(mediaType)
        || OCI_LAYER_NONDIST_GZIP.equals(mediaType)
        || OCI_LAYER_NONDIST_ZSTD.equals(mediaType);
  }
}
