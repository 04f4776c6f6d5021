package dev.ocisquash.archive;

import org.jspecify.annotations.Nullable;

/**
 * Which image to take from an archive that holds several: by name ({@code --ref}, a docker tag or
 * an OCI ref name) and/or by platform ({@code os/arch[/variant]}). Both null means "the only one".
 */
public final class ImageSelector {
  private final @Nullable String ref;
  private final @Nullable String platform;

  private ImageSelector(@Nullable String ref, @Nullable String platform) {
    this.ref = ref;
    this.platform = platform;
  }

  /** Selects the only image; more than one is an error listing the choices. */
  public static ImageSelector any() {
    return new ImageSelector(null, null);
  }

  /** Selects by ref and/or platform; either may be null. */
  public static ImageSelector of(@Nullable String ref, @Nullable String platform) {
    return new ImageSelector(ref, platform);
  }

  /** The wanted name, or null. */
  public @Nullable String ref() {
    return ref;
  }

  /** The wanted platform {@code os/arch[/variant]}, or null. */
  public @Nullable String platform() {
    return platform;
  }
}
