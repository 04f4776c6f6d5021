package dev.ocisquash.archive;

import dev.ocisquash.model.Digest;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ImageWriter#write} produced: the digests that identify the image and the size of the
 * output.
 */
public final class WrittenImage {
  private final Digest configDigest;
  private final Digest manifestDigest;
  private final long bytesWritten;

  private final @Nullable PushSummary push;

  WrittenImage(Digest configDigest, Digest manifestDigest, long bytesWritten) {
    this(configDigest, manifestDigest, bytesWritten, null);
  }

  WrittenImage(
      Digest configDigest, Digest manifestDigest, long bytesWritten, @Nullable PushSummary push) {
    this.configDigest = configDigest;
    this.manifestDigest = manifestDigest;
    this.bytesWritten = bytesWritten;
    this.push = push;
  }

  /** For a push to a registry, what was sent and what was saved; null for a file output. */
  public @Nullable PushSummary push() {
    return push;
  }

  /** Digest of the config blob. */
  public Digest configDigest() {
    return configDigest;
  }

  /**
   * Digest of the manifest blob; what a registry would report after a push of this exact manifest.
   */
  public Digest manifestDigest() {
    return manifestDigest;
  }

  /**
   * Size of the output: the tar file, the sum of file sizes for a layout directory, or the image's
   * blobs (config, manifest, layers) for a registry, whether they were sent or not.
   */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** The image ID as docker and podman show it: the config digest. */
  public Digest imageId() {
    return configDigest;
  }

  @Override
  public String toString() {
    return "WrittenImage{id="
        + configDigest
        + ", manifest="
        + manifestDigest
        + ", bytes="
        + bytesWritten
        + "}";
  }
}
