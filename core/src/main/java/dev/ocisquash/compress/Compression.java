package dev.ocisquash.compress;

/**
 * Layer or archive compression, recognised by magic bytes rather than by media type or file name.
 */
public enum Compression {
  /** Plain tar. */
  NONE("application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar"),
  /** gzip (RFC 1952). */
  GZIP(
      "application/vnd.oci.image.layer.v1.tar+gzip",
      "application/vnd.docker.image.rootfs.diff.tar.gzip"),
  /** zstd (RFC 8878). */
  ZSTD(
      "application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.v1.tar+zstd");

  private final String ociLayerMediaType;
  private final String dockerLayerMediaType;

  Compression(String oci, String docker) {
    this.ociLayerMediaType = oci;
    this.dockerLayerMediaType = docker;
  }

  /**
   * Parses a compression name: {@code gzip} (or {@code gz}), {@code zstd}, {@code none} (or {@code
   * uncompressed}); case does not matter.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Compression parse(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "gzip":
      case "gz":
        return GZIP;
      case "zstd":
        return ZSTD;
      case "none":
      case "uncompressed":
        return NONE;
      default:
        throw new IllegalArgumentException(
            "unknown compression '" + name + "' (expected gzip, zstd or none)");
    }
  }

  /** The OCI layer media type for this compression. */
  public String ociLayerMediaType() {
    return ociLayerMediaType;
  }

  /** The Docker schema 2 layer media type (zstd has none, so the OCI one is used). */
  public String dockerLayerMediaType() {
    return dockerLayerMediaType;
  }

  /**
   * Detects compression from the first bytes of a stream.
   *
   * @param head at least the first 4 bytes when the stream is that long
   * @param length how many bytes of {@code head} are valid
   */
  public static Compression detect(byte[] head, int length) {
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }
}
