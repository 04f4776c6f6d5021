package dev.ocisquash.registry;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request, its redirects followed (GET and HEAD, at most 5): a registry sends blob downloads to
 * storage elsewhere (S3, a CDN) with a signed URL, and that host must not get the registry's {@code
 * Authorization} (S3 refuses a request that carries two credentials). The header goes only where
 * {@link RegistryAuth#sendsTo} allows, and once a redirect left the registry it is never sent again
 * on that chain.
 */
final class Redirects {
  private static final int MAX_HOPS = 5;
  private final HttpTransport http;
  private final RegistryAuth auth;
  private final Endpoints endpoints;

  Redirects(HttpTransport http, RegistryAuth auth, Endpoints endpoints) {
    this.http = http;
    this.auth = auth;
    this.endpoints = endpoints;
  }

  /**
   * Sends the request once (no auth challenge answered, no retry), following redirects of GET and
   * HEAD.
   */
  HttpReply send(
      String method, URI uri, byte @Nullable [] body, int off, int len, Map<String, String> headers)
      throws IOException {
    URI at = uri;
    boolean authorized = auth.sendsTo(at, endpoints);
    for (int hops = 0; ; hops++) {
      Map<String, String> h = headers;
      String a = auth.header();
      if (a != null && authorized) {
        h = new LinkedHashMap<>(headers);
        h.put("Authorization", a);
      }
      HttpReply r = http.send(method, at, h, body, off, len);
      int s = r.statusCode();
      boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
      String location = r.header("Location").orElse(null);
      if (!redirect
          || location == null
          || !(method.equals("GET") || method.equals("HEAD"))
          || hops >= MAX_HOPS) {
        return r;
      }
      Responses.discard(r);
      at = Endpoints.resolve(at, location, "redirect");
      authorized = authorized && auth.sendsTo(at, endpoints);
    }
  }
}
