package dev.ocisquash.archive;

/** The layout of the written image. */
public enum OutputFormat {
  /** A docker save-style tar: manifest.json, repositories, config and layer files. */
  DOCKER,
  /** An OCI image layout packed in a tar (oci-archive). */
  OCI,
  /** An OCI image layout directory. */
  OCI_DIR;

  /**
   * Parses a format name as the CLI and configuration files write it: {@code docker}, {@code oci}
   * (or {@code oci-archive}), {@code oci-dir} (or {@code oci-layout}); case does not matter.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OutputFormat parse(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "docker":
        return DOCKER;
      case "oci":
      case "oci-archive":
        return OCI;
      case "oci-dir":
      case "oci-layout":
        return OCI_DIR;
      default:
        throw new IllegalArgumentException(
            "unknown format '" + name + "' (expected docker, oci or oci-dir)");
    }
  }

  /** The default output format for an input family. */
  public static OutputFormat defaultFor(ArchiveFamily family) {
    return family == ArchiveFamily.DOCKER ? DOCKER : OCI;
  }
}
