package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A platform {@code os/arch[/variant]}. Used to pick one image from a multi-platform index and to recognise
 * attestation manifests, which BuildKit marks with {@code unknown/unknown}.
 */
public final class Platform {
  private final String os;
  private final String architecture;
  private final String variant;

  private Platform(String os, String architecture, String variant) {
    this.os = os;
    this.architecture = architecture;
    this.variant = variant;
  }

  /** Creates a platform; variant may be null. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(
        Objects.requireNonNull(os, "os"),
        Objects.requireNonNull(architecture, "architecture"),
        variant == null || variant.isEmpty() ? null : variant);
  }

  /**
   * Parses {@code os/arch[/variant]}.
   *
   * @throws IllegalArgumentException when the text has not two or three non-empty parts
   */
  public static Platform parse(String text) {
    String[] parts = Objects.requireNonNull(text, "platform").split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException("platform must be os/arch[/variant], got '" + text + "'");
    }
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException("platform must be os/arch[/variant], got '" + text + "'");
      }
    }
    return of(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * Reads an OCI platform object ({@code os}, {@code architecture}, {@code variant}) or an image config, which
   * has the same three fields at top level. Returns null when os or architecture is missing.
   */
  public static Platform fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    String os = node.path("os").asText("");
    String arch = node.path("architecture").asText("");
    if (os.isEmpty() || arch.isEmpty()) {
      return null;
    }
    String variant = node.path("variant").asText("");
    return of(os, arch, variant);
  }

  /** The operating system, e.g. {@code linux}. */
  public String os() {
    return os;
  }

  /** The CPU architecture, e.g. {@code amd64}. */
  public String architecture() {
    return architecture;
  }

  /** The variant, e.g. {@code v8}, or null. */
  public String variant() {
    return variant;
  }

  /** True for {@code unknown/unknown}, which BuildKit uses for attestation manifests (not runnable images). */
  public boolean isAttestation() {
    return "unknown".equals(os) && "unknown".equals(architecture);
  }

  /**
   * True when {@code other} satisfies this wanted platform: os and architecture equal, and the variant equal
   * when this one names a variant (a wanted platform without variant accepts any variant).
   */
  public boolean matches(Platform other) {
    if (other == null) {
      return false;
    }
    return os.equals(other.os)
        && architecture.equals(other.architecture)
        && (variant == null || variant.equals(other.variant));
  }

  /** Same as {@link #matches(Platform)} for an OCI platform JSON object; false when it is absent. */
  public boolean matches(JsonNode platformObject) {
    return matches(fromJson(platformObject));
  }

  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Platform)) {
      return false;
    }
    Platform p = (Platform) o;
    return os.equals(p.os) && architecture.equals(p.architecture) && Objects.equals(variant, p.variant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(os, architecture, variant);
  }
}
