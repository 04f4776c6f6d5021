package dev.ocisquash.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a registry's requests go: its scheme (https, or http when {@code --tls-verify=false} finds
 * plain HTTP) and host, the URIs of its API, and the URLs a registry hands back (Location,
 * redirects), which must parse as http(s) URLs with a host or fail in one line naming them.
 */
final class Endpoints {
  private final String host;
  private volatile String scheme = "https";

  /**
   * @param host {@code HOST[:PORT]} as URLs carry it
   */
  Endpoints(String host) {
    this.host = host;
  }

  /** Switches between {@code https} and {@code http} (the insecure ping's choice). */
  void scheme(String s) {
    scheme = s;
  }

  /** The URI of an API path ({@code /v2/...}) on the registry. */
  URI uri(String path) {
    return URI.create(scheme + "://" + host + path);
  }

  /** Whether {@code u} is the registry itself: its scheme, host and port. */
  boolean isRegistry(URI u) {
    return host.equalsIgnoreCase(u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()))
        && scheme.equals(u.getScheme());
  }

  /** {@code scheme://host[:port]} of a URI, lower case. */
  static String origin(URI u) {
    return (u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()))
        .toLowerCase(Locale.ROOT);
  }

  /**
   * {@code location} against {@code base}; one that is not an http(s) URL with a host fails naming
   * it ({@code what}: "Location", "redirect"), control characters shown as {@code ?}.
   */
  static URI resolve(URI base, String location, String what) throws IOException {
    try {
      URI u = base.resolve(new URI(location));
      if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
        throw new IOException(
            what + " '" + Printable.of(location) + "' is not an http(s) URL with a host");
      }
      return u;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException(what + " '" + Printable.of(location) + "' is not a URL", e);
    }
  }
}
