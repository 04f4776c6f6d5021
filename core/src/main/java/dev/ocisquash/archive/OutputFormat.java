package dev.ocisquash.archive;

/** The layout of the written image. */
public enum OutputFormat {
  /** A docker save-style tar: manifest.json, repositories, config and layer files. */
  DOCKER,
  /** An OCI image layout packed in a tar (oci-archive). */
  OCI,
  /** An OCI image layout directory. */
  OCI_DIR;

  /** The default output format for an input family. */
  public static OutputFormat defaultFor(ArchiveFamily family) {
    return family == ArchiveFamily.DOCKER ? DOCKER : OCI;
  }
}
