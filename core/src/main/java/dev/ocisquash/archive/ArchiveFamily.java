package dev.ocisquash.archive;

/** The family an input archive belongs to; it picks the default output format. */
public enum ArchiveFamily {
  /** docker save / podman save / skopeo docker-archive: a tar with manifest.json. */
  DOCKER,
  /** OCI image layout, as a directory or as a tar (oci-archive). */
  OCI
}
