package dev.ocisquash.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A platform {@code os/arch[/variant]}. Used to pick one image from a multi-platform index and to
 * recognise attestation manifests, which BuildKit marks with {@code unknown/unknown}.
 */
public final class Platform {
  private static final String OS = "os";
  private static final String ARCHITECTURE = "architecture";
  private static final String VARIANT = "variant";

  private final String os;
  private final String architecture;
  private final @Nullable String variant;

  private Platform(String os, String architecture, @Nullable String variant) {
    this.os = os;
    this.architecture = architecture;
    this.variant = variant;
  }

  /** Creates a platform; variant may be null. */
  public static Platform of(String os, String architecture, @Nullable String variant) {
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
        throw new IllegalArgumentException(
            "platform must be os/arch[/variant], got '" + text + "'");
      }
    }
    return of(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * Reads an OCI platform object ({@code os}, {@code architecture}, {@code variant}) or an image
   * config, which has the same three fields at top level. Returns null when os or architecture is
   * missing.
   */
  public static @Nullable Platform fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    String os = node.path(OS).asText("");
    String arch = node.path(ARCHITECTURE).asText("");
    if (os.isEmpty() || arch.isEmpty()) {
      return null;
    }
    String variant = node.path(VARIANT).asText("");
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
  public @Nullable String variant() {
    return variant;
  }

  /**
   * True for {@code unknown/unknown}, which BuildKit uses for attestation manifests (not runnable
   * images).
   */
  public boolean isAttestation() {
    return "unknown".equals(os) && "unknown".equals(architecture);
  }

  /**
   * True when {@code other} satisfies this wanted platform: os and architecture equal, and the
   * variant equal when this one names a variant (a wanted platform without variant accepts any
   * variant). Both sides are compared in containerd's normal form, so {@code linux/arm64/v8}
   * matches a config that says {@code arm64} with no variant, {@code x86_64} is {@code amd64}, and
   * an image of {@code arm} without a variant is {@code arm/v7}.
   */
  public boolean matches(@Nullable Platform other) {
    if (other == null) {
      return false;
    }
    Platform want = normalized();
    Platform have = other.normalized();
    return want.os.equals(have.os)
        && want.architecture.equals(have.architecture)
        && (variant == null || want.variant == null || want.variant.equals(have.variant));
  }

  /**
   * containerd's normal form (platforms.Normalize): lower-case os, canonical architecture names and
   * variants.
   */
  Platform normalized() {
    String o = os.toLowerCase(java.util.Locale.ROOT);
    String a = architecture.toLowerCase(java.util.Locale.ROOT);
    String v = variant == null ? null : variant.toLowerCase(java.util.Locale.ROOT);
    switch (a) {
      case "i386":
        a = "386";
        v = null;
        break;
      case "x86_64":
      case "x86-64":
      case "amd64":
        a = "amd64";
        if ("v1".equals(v)) {
          v = null;
        }
        break;
      case "aarch64":
      case "arm64":
        a = "arm64";
        if ("8".equals(v) || "v8".equals(v) || "v8.0".equals(v)) {
          v = null;
        }
        break;
      case "armhf":
        a = "arm";
        v = "v7";
        break;
      case "armel":
        a = "arm";
        v = "v6";
        break;
      case "arm":
        if (v == null || "7".equals(v)) {
          v = "v7";
        } else if ("5".equals(v) || "6".equals(v) || "8".equals(v)) {
          v = "v" + v;
        }
        break;
      default:
        break;
    }
    return new Platform(o, a, v);
  }

  /**
   * Same as {@link #matches(Platform)} for an OCI platform JSON object; false when it is absent.
   */
  public boolean matches(JsonNode platformObject) {
    return matches(fromJson(platformObject));
  }

  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Platform p)) {
      return false;
    }
    return os.equals(p.os)
        && architecture.equals(p.architecture)
        && Objects.equals(variant, p.variant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(os, architecture, variant);
  }
}
