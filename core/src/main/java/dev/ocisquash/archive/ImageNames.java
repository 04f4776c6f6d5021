package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The names an output image carries. Either docker names ({@code docker.io/library/foo:bar}: the
 * RepoTags of a docker output, and the index entry's {@code io.containerd.image.name} with the tag
 * as its ref name), which is what a squash keeps from its input; or one OCI ref name written as it
 * is ({@code -o oci:DIR:REF}, as skopeo writes {@code org.opencontainers.image.ref.name=REF}). A
 * pure decision: {@link #forOutput} checks a name the user gives against the grammar of its kind.
 *
 * @param names docker names, possibly empty
 * @param refName an OCI ref name written as it is, or null
 */
public record ImageNames(List<String> names, @Nullable String refName) {
  /**
   * An OCI ref name: components of alphanumerics joined by one of {@code -._:@+} or {@code --},
   * separated by {@code /} (opencontainers/image-spec annotations.md, "Pre-Defined Annotation
   * Keys", {@code org.opencontainers.image.ref.name}, at fd02b7912271e991940de6a6c9437f7d0b9a441c).
   */
  private static final Pattern OCI_REF =
      Pattern.compile(
          "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");

  /**
   * A docker name {@code [DOMAIN[:PORT]/]PATH[:TAG]}, without a digest: lower-case path components
   * joined by one {@code .}, one or two {@code _} or any {@code -}; a tag of up to 128 word
   * characters, dots and dashes (the reference grammar of distribution/reference regexp.go at
   * 00a09fa3799203fc887e667b0d82142ee831939a).
   */
  private static final Pattern DOCKER_DOMAIN;

  private static final Pattern DOCKER_PATH;

  static {
    String domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    DOCKER_DOMAIN =
        Pattern.compile(
            "(?:"
                + domainComponent
                + "(?:\\."
                + domainComponent
                + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    String component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    DOCKER_PATH = Pattern.compile(component + "(?:/" + component + ")*(?::[\\w][\\w.-]{0,127})?");
  }

  /**
   * Whether {@code name} is a docker name: its first component is a domain only when it has a dot
   * or a colon or is {@code localhost} (Docker's normalisation, distribution/reference normalize.go
   * {@code splitDockerDomain}), so {@code Upper/app} is a path and refused.
   */
  static boolean isDockerName(String name) {
    int slash = name.indexOf('/');
    if (slash > 0) {
      String first = name.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return DOCKER_DOMAIN.matcher(first).matches()
            && DOCKER_PATH.matcher(name.substring(slash + 1)).matches();
      }
    }
    return DOCKER_PATH.matcher(name).matches();
  }

  /** Validates the parts. */
  public ImageNames {
    names = List.copyOf(names);
  }

  /** Docker names as the input carried them. */
  public static ImageNames of(List<String> names) {
    return new ImageNames(names, null);
  }

  /**
   * The names of an output named {@code name} by the user: for an OCI output (an archive or a
   * directory) the OCI ref name as it is, for a docker output the docker name.
   *
   * @param where the output as the user gave it, for the message
   * @throws ImageException INVALID_ARGUMENT when the name does not fit its kind's grammar
   */
  public static ImageNames forOutput(String where, String name, OutputFormat format)
      throws ImageException {
    if (format == OutputFormat.DOCKER) {
      if (!isDockerName(name)) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            where
                + ": '"
                + name
                + "' is not a docker image name (NAME[:TAG], lower-case, no digest)");
      }
      return new ImageNames(List.of(name), null);
    }
    if (!OCI_REF.matcher(name).matches()) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          where
              + ": '"
              + name
              + "' is not an OCI ref name (letters and digits, joined by one of -._:@+ or --,"
              + " components separated by /)");
    }
    return new ImageNames(List.of(), name);
  }
}
