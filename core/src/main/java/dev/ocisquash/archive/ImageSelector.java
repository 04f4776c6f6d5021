package dev.ocisquash.archive;

/**
 * Which image to take from an archive that holds several: by name ({@code --ref}, a docker tag or an OCI ref
 * name) and/or by platform ({@code os/arch[/variant]}). Both null means "the only one".
 */
public final class ImageSelector {
  private final String ref;
  private final String platform;

  private ImageSelector(String ref, String platform) {
    this.ref = ref;
    this.platform = platform;
  }

  /** Selects the only image; more than one is an error listing the choices. */
  public static ImageSelector any() {
    return new ImageSelector(null, null);
  }

  /** Selects by ref and/or platform; either may be null. */
  public static ImageSelector of(String ref, String platform) {
    return new ImageSelector(ref, platform);
  }

  /** The wanted name, or null. */
  public String ref() {
    return ref;
  }

  /** The wanted platform {@code os/arch[/variant]}, or null. */
  public String platform() {
    return platform;
  }
}
