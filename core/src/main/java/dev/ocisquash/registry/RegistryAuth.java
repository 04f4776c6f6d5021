package dev.ocisquash.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Authorization} header for one registry. Basic challenges get the credential as is;
 * bearer challenges ({@code WWW-Authenticate: Bearer realm=...,service=...,scope=...}) get a token
 * from the realm, asked for every scope this client has needed so far, so one token serves the
 * pulls, pushes and cross-repository mounts of a run.
 */
final class RegistryAuth {
  private static final Pattern PARAM =
      Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"|([A-Za-z]+)=([^,\\s]*)");

  /** Asks the token realm; returns the status and body. */
  interface TokenFetcher {
    /** Sends GET with an optional Authorization header. */
    Response get(URI uri, @Nullable String authorization) throws IOException;

    /** Sends POST with a form body ({@code application/x-www-form-urlencoded}). */
    Response post(URI uri, byte[] form) throws IOException;
  }

  /** A plain HTTP answer. */
  @SuppressWarnings("ArrayRecordComponent") // an HTTP reply read once; never compared
  record Response(int status, byte[] body) {}

  private final @Nullable Credential credential;
  private final Set<String> scopes = new TreeSet<>();
  private volatile @Nullable String header;

  /**
   * Hosts other than the registry that challenged a request ({@code scheme://host[:port]}): as
   * Docker does, they get the Authorization too; no other host does (an upload Location or a
   * redirect elsewhere goes without it).
   */
  private final Set<String> challenged = java.util.concurrent.ConcurrentHashMap.newKeySet();

  RegistryAuth(@Nullable Credential credential) {
    this.credential = credential;
  }

  /** The header to send, or null while anonymous. */
  @Nullable String header() {
    return header;
  }

  /**
   * Whether a request to {@code u} carries the Authorization: to the registry itself, and to
   * another host only once that host has challenged (Docker's rule: credentials go to the registry,
   * its token realm, and hosts that ask).
   */
  boolean sendsTo(URI u, Endpoints endpoints) {
    return endpoints.isRegistry(u) || challenged.contains(Endpoints.origin(u));
  }

  /** A host answered {@code u} with a challenge: from now on it gets the Authorization. */
  void challengedBy(URI u) {
    if (u.getHost() != null) {
      challenged.add(Endpoints.origin(u));
    }
  }

  /** Records a scope ({@code repository:NAME:pull,push}) the next token must cover. */
  synchronized void need(String scope) {
    scopes.add(scope);
  }

  /**
   * Answers a 401: sets the header for the challenge.
   *
   * @return false when nothing can be done (no credentials for a basic challenge, unknown scheme)
   * @throws IOException when the token request fails, with the reason
   */
  synchronized boolean answer(@Nullable String challenge, TokenFetcher fetcher) throws IOException {
    if (challenge == null) {
      return false;
    }
    String scheme = challenge.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    Map<String, String> params = params(challenge);
    if (scheme.equals("basic")) {
      if (credential == null || credential.identityToken()) {
        return false;
      }
      header = credential.basicHeader();
      return true;
    }
    if (!scheme.equals("bearer") || params.get("realm") == null) {
      return false;
    }
    String scope = params.get("scope");
    if (scope != null) {
      for (String s : scope.split(" ", -1)) {
        if (!s.isBlank()) {
          scopes.add(s);
        }
      }
    }
    if (credential != null && credential.identityToken()) {
      header =
          "Bearer "
              + token(
                  params.get("realm"),
                  fetcher.post(realmUri(params.get("realm")), oauthForm(credential, params)));
      return true;
    }
    StringBuilder q = new StringBuilder(params.get("realm"));
    char sep = q.indexOf("?") >= 0 ? '&' : '?';
    if (params.get("service") != null) {
      q.append(sep).append("service=").append(enc(params.get("service")));
      sep = '&';
    }
    for (String s : scopes) {
      q.append(sep).append("scope=").append(enc(s));
      sep = '&';
    }
    Response r =
        fetcher.get(realmUri(q.toString()), credential == null ? null : credential.basicHeader());
    header = "Bearer " + token(params.get("realm"), r);
    return true;
  }

  /**
   * The OAuth2 refresh-token grant Docker sends with an identity token (distribution, {@code
   * registry/client/auth/session.go} fetchTokenWithOAuth, commit
   * cff5d2f92f706803e035250248204626bd91ae4e).
   */
  private byte[] oauthForm(Credential credential, Map<String, String> params) {
    StringBuilder f =
        new StringBuilder("grant_type=refresh_token&client_id=ocisquash&refresh_token=")
            .append(enc(credential.secret()));
    if (params.get("service") != null) {
      f.append("&service=").append(enc(params.get("service")));
    }
    if (!scopes.isEmpty()) {
      f.append("&scope=").append(enc(String.join(" ", scopes)));
    }
    return f.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The realm as a URI; a realm that is not an http(s) URL is a one-line failure naming it. */
  private static URI realmUri(String realm) throws IOException {
    try {
      URI u = new URI(realm);
      if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
        throw new URISyntaxException(realm, "not an http(s) URL with a host");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IOException(
          "token realm '" + Printable.of(realm) + "' is not a URL: " + Printable.of(e.getReason()));
    }
  }

  private String token(String realm, Response r) throws IOException {
    if (r.status() != 200) {
      throw new IOException(
          "token request to "
              + Printable.of(realm)
              + " answered HTTP "
              + r.status()
              + (credential == null ? " (no credentials configured)" : ""));
    }
    JsonNode doc = Json.parse(r.body());
    String token = doc.path("token").asText("");
    if (token.isEmpty()) {
      token = doc.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw new IOException("token response from " + Printable.of(realm) + " holds no token");
    }
    return token;
  }

  /** Sends the credential before any challenge when the registry is known to want basic auth. */
  synchronized void presetBasic() {
    if (credential != null && !credential.identityToken() && header == null) {
      header = credential.basicHeader();
    }
  }

  boolean hasCredential() {
    return credential != null;
  }

  static Map<String, String> params(String challenge) {
    Map<String, String> out = new LinkedHashMap<>();
    int sp = challenge.indexOf(' ');
    if (sp < 0) {
      return out;
    }
    Matcher m = PARAM.matcher(challenge.substring(sp + 1));
    while (m.find()) {
      if (m.group(1) != null) {
        out.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
      } else {
        out.put(m.group(3).toLowerCase(Locale.ROOT), m.group(4));
      }
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
