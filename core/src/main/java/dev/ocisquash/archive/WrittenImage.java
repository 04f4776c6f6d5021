package dev.ocisquash.archive;

import dev.ocisquash.model.Digest;

/** What {@link ImageWriter#write} produced: the digests that identify the image and the size of the output. */
public final class WrittenImage {
  private final Digest configDigest;
  private final Digest manifestDigest;
  private final long bytesWritten;

  WrittenImage(Digest configDigest, Digest manifestDigest, long bytesWritten) {
    this.configDigest = configDigest;
    this.manifestDigest = manifestDigest;
    this.bytesWritten = bytesWritten;
  }

  /** Digest of the config blob. */
  public Digest configDigest() {
    return configDigest;
  }

  /** Digest of the manifest blob; what a registry would report after a push of this exact manifest. */
  public Digest manifestDigest() {
    return manifestDigest;
  }

  /** Size of the output: the tar file, or the sum of file sizes for a layout directory. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** The image ID as docker and podman show it: the config digest. */
  public Digest imageId() {
    return configDigest;
  }

  @Override
  public String toString() {
    return "WrittenImage{id=" + configDigest + ", manifest=" + manifestDigest + ", bytes=" + bytesWritten + "}";
  }
}
