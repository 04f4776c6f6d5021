package dev.ocisquash.registry;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An image in a registry, written as skopeo writes it: {@code
 * docker://HOST[:PORT]/REPO[:TAG|@DIGEST]}. As in docker and skopeo, a name whose first component
 * is not a host ({@code docker://busybox}) is on Docker Hub, and a one-component Docker Hub
 * repository is under {@code library/}; a name with neither tag nor digest means {@code latest}.
 *
 * @param registry host and optional port, as used in URLs and credential lookups, e.g. {@code
 *     127.0.0.1:5000}
 * @param repository the repository path, e.g. {@code team/app}
 * @param tag the tag, or null when the reference names a digest
 * @param digest the manifest digest ({@code sha256:...}), or null when the reference names a tag
 */
public record ImageRef(
    String registry, String repository, @Nullable String tag, @Nullable String digest) {
  /** The prefix that marks a registry reference on the command line. */
  public static final String SCHEME = "docker://";

  private static final String DOCKER_HUB = "docker.io";
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPO = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");

  /**
   * True when {@code text} is a registry reference ({@code docker://...}) rather than a file path.
   */
  public static boolean isRegistryRef(String text) {
    return text != null && text.startsWith(SCHEME);
  }

  /**
   * Parses {@code docker://HOST[:PORT]/REPO[:TAG|@DIGEST]}.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static ImageRef parse(String text) {
    if (!isRegistryRef(text)) {
      throw new IllegalArgumentException(
          "not a registry reference (docker://HOST/REPO[:TAG]): '" + text + "'");
    }
    String rest = text.substring(SCHEME.length());
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException("invalid digest '" + digest + "' in '" + text + "'");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException("invalid tag '" + tag + "' in '" + text + "'");
      }
    }
    String registry;
    String repo;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? rest : rest.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      registry = first;
      repo = rest.substring(slash + 1);
    } else {
      registry = DOCKER_HUB;
      repo = slash < 0 ? "library/" + rest : rest;
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.isEmpty() || !REPO.matcher(repo).matches()) {
      throw new IllegalArgumentException(
          "invalid repository '"
              + repo
              + "' in '"
              + text
              + "' (lower case, digits and . _ - separators)");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageRef(registry.toLowerCase(Locale.ROOT), repo, tag, digest);
  }

  /**
   * The tag, or the digest when there is no tag: what {@code GET /v2/REPO/manifests/<reference>}
   * takes.
   */
  public @Nullable String reference() {
    return digest != null ? digest : tag;
  }

  /** The host to connect to: Docker Hub's API lives on {@code registry-1.docker.io}. */
  public String endpointHost() {
    return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  /**
   * The name without the scheme, as containerd names images: {@code HOST/REPO:TAG} or {@code
   * HOST/REPO@DIGEST}.
   */
  public String name() {
    return registry + "/" + repository + (digest != null ? "@" + digest : ":" + tag);
  }

  /** The reference as given on the command line: {@code docker://HOST/REPO:TAG}. */
  @Override
  public String toString() {
    return SCHEME + name();
  }
}
