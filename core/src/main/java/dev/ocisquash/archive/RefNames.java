package dev.ocisquash.archive;

import java.util.List;

/**
 * Image name matching. Docker save writes {@code foo:bar}, skopeo writes {@code
 * docker.io/library/foo:bar} for the same image, so {@code --ref} also matches after Docker's
 * normalisation (default registry, {@code library/}, {@code :latest}).
 */
final class RefNames {
  private RefNames() {}

  /** Docker's normalised form: {@code foo} becomes {@code docker.io/library/foo:latest}. */
  static String normalize(String ref) {
    String digest = "";
    int at = ref.indexOf('@');
    String name = ref;
    if (at >= 0) {
      digest = ref.substring(at);
      name = ref.substring(0, at);
    }
    String tag = "";
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      tag = name.substring(colon);
      name = name.substring(0, colon);
    }
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean hasDomain = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (!hasDomain) {
      name = (slash < 0 ? "docker.io/library/" : "docker.io/") + name;
    } else if (first.equals("index.docker.io")) {
      name = "docker.io" + name.substring(slash);
    }
    if (name.startsWith("docker.io/") && name.indexOf('/', "docker.io/".length()) < 0) {
      name = "docker.io/library/" + name.substring("docker.io/".length());
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = ":latest";
    }
    return name + tag + digest;
  }

  /**
   * True when {@code wanted} names one of {@code fullNames} (exactly or after normalisation) or
   * equals one of {@code shortNames} (OCI ref names such as {@code latest}) exactly.
   */
  static boolean matches(String wanted, List<String> fullNames, List<String> shortNames) {
    if (fullNames.contains(wanted) || shortNames.contains(wanted)) {
      return true;
    }
    String w = normalize(wanted);
    for (String n : fullNames) {
      if (normalize(n).equals(w)) {
        return true;
      }
    }
    return false;
  }
}
