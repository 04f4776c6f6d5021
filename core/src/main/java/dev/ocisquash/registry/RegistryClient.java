package dev.ocisquash.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.IndexJson;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.ManifestJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A client for one registry's HTTP API (distribution spec v2), on {@link HttpTransport}: manifests,
 * blob existence checks, streamed blob downloads that resume after a broken connection, streamed
 * uploads, cross-repository mounts. Its concerns are split as go-containerregistry's {@code
 * pkg/v1/remote/transport} splits them: {@link RegistryAuth} (challenges, tokens, which hosts get
 * the credentials), {@link Retries} (429, 5xx and broken connections, exponential backoff), {@link
 * Redirects} and {@link Endpoints}; the HTTP itself is {@link HttpTransport}'s. Every failure is a
 * {@link RegistryException} with one line naming the registry, the repository and the step.
 */
public final class RegistryClient implements AutoCloseable {
  /**
   * What registries are asked to return for a manifest: every image and index type this tool reads.
   */
  static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final int SMALL_LIMIT = 8 << 20;
  private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

  /**
   * How long a response may keep the client waiting for its next byte (the minimum transfer rate
   * cuts sooner).
   */
  private static final int READ_TIMEOUT_MILLIS = 5 * 60_000;

  private final String registry;
  private final RegistryOptions options;
  private final HttpTransport http;
  private final RegistryAuth auth;
  private final Endpoints endpoints;
  private final Redirects redirects;
  private final Retries retries;

  private RegistryClient(
      String registry,
      String host,
      RegistryOptions options,
      HttpTransport http,
      RegistryAuth auth) {
    this.registry = registry;
    this.options = options;
    this.http = http;
    this.auth = auth;
    this.endpoints = new Endpoints(host);
    this.redirects = new Redirects(http, auth, endpoints);
    this.retries = new Retries(options);
  }

  /**
   * Connects to the registry of {@code ref}: finds credentials, sets up TLS, and checks {@code
   * /v2/} (with {@code --tls-verify=false}, plain HTTP first, then HTTPS without verification).
   *
   * @throws ImageException when the registry cannot be reached or set up
   */
  public static RegistryClient connect(ImageRef ref, RegistryOptions options) throws IOException {
    Credential cred = CredentialLookup.system().find(ref.registry(), options);
    ProxyRoutes routes =
        new ProxyRoutes(
            options.proxySelector(),
            options.proxySelector() == null ? ProxyEnvironment.system() : null);
    HttpTransport http =
        new HttpTransport(
            new TlsStrategy(
                () ->
                    options.tlsContext() != null
                        ? options.tlsContext()
                        : options.tlsVerify()
                            ? TlsContexts.verifying(
                                TlsContexts.certDirFor(ref.registry(), options.certDir()))
                            : TlsContexts.trustingAll(),
                options.tlsVerify()),
            routes,
            new RateGuard(options.minTransferRate(), options.transferWindow().toSeconds()),
            CONNECT_TIMEOUT_MILLIS,
            READ_TIMEOUT_MILLIS);
    RegistryClient c =
        new RegistryClient(
            ref.registry(), ref.endpointHost(), options, http, new RegistryAuth(cred));
    c.ping(ref.repository());
    return c;
  }

  /** The registry as named in references, {@code HOST[:PORT]}. */
  public String registry() {
    return registry;
  }

  private void ping(String repo) throws IOException {
    HttpReply r = null;
    if (!options.tlsVerify()) {
      // Insecure mode serves local registries that speak plain HTTP: ask that first, which also
      // spares the TLS
      // set-up (about a second of a cold JVM). A TLS server answers a plain request with 400 or
      // drops it.
      endpoints.scheme("http");
      try {
        r = redirects.send("GET", uri("/v2/"), null, 0, 0, Map.of());
        if (r.statusCode() != 200 && r.statusCode() != 401) {
          Responses.discard(r);
          r = null;
        }
      } catch (IOException e) {
        r = null;
      }
      if (r == null) {
        endpoints.scheme("https");
      }
    }
    if (r == null) {
      try {
        r = redirects.send("GET", uri("/v2/"), null, 0, 0, Map.of());
      } catch (ImageException e) {
        throw e; // the TLS set-up (a bad --cert-dir), already one line
      } catch (IOException e) {
        throw fail(
            repo, "connect", Responses.detail(e) + (e instanceof SSLException ? hintTls() : ""), e);
      }
    }
    Responses.discard(r);
    if (r.statusCode() == 407) {
      throw fail(
          repo,
          "connect",
          "HTTP 407 from the proxy: proxy authentication required (credentials go in the"
              + " proxy URL, http://USER:PASS@HOST:PORT)",
          null);
    }
    String challenge = r.header("WWW-Authenticate").orElse("");
    if (r.statusCode() == 401 && challenge.toLowerCase(java.util.Locale.ROOT).startsWith("basic")) {
      auth.presetBasic();
    }
  }

  private static String hintTls() {
    return " (a self-signed registry needs --cert-dir with its CA, or --tls-verify=false)";
  }

  /**
   * Asks the next token to cover {@code actions} ({@code pull} or {@code pull,push}) on {@code
   * repo}.
   */
  public void need(String repo, String actions) {
    auth.need("repository:" + repo + ":" + actions);
  }

  /** The URI of an API path on the registry. */
  URI uri(String path) {
    return endpoints.uri(path);
  }

  /**
   * Sends a request, answering an auth challenge once and retrying 429, 5xx and broken connections
   * (when {@code retry}). Returns the first other response; its body must be closed by the caller.
   */
  HttpReply call(
      String repo,
      String step,
      String method,
      URI uri,
      byte @Nullable [] body,
      Map<String, String> headers,
      boolean retry)
      throws ImageException {
    return call(repo, step, method, uri, body, 0, body == null ? 0 : body.length, headers, retry);
  }

  /**
   * As {@link #call(String, String, String, URI, byte[], Map, boolean)} with {@code len} body bytes
   * at {@code off}.
   */
  HttpReply call(
      String repo,
      String step,
      String method,
      URI uri,
      byte @Nullable [] body,
      int off,
      int len,
      Map<String, String> headers,
      boolean retry)
      throws ImageException {
    boolean authed = false;
    int attempt = 0;
    while (true) {
      attempt++;
      HttpReply r;
      try {
        r = redirects.send(method, uri, body, off, len, headers);
      } catch (IOException e) {
        if (retry && retries.another(attempt) && !(e instanceof java.io.InterruptedIOException)) {
          retries.backoff(attempt, null);
          continue;
        }
        throw fail(repo, step, Responses.detail(e) + Retries.after(attempt), e);
      }
      int s = r.statusCode();
      if (s == 401 && !authed) {
        String challenge = r.header("WWW-Authenticate").orElse(null);
        if (challenge != null) {
          auth.challengedBy(r.uri());
        }
        Responses.discard(r);
        authed = true;
        try {
          if (auth.answer(challenge, tokens)) {
            attempt--;
            continue;
          }
        } catch (IOException e) {
          throw fail(repo, step, "authentication failed: " + Responses.detail(e), e);
        }
        throw new RegistryException(
            registry,
            repo,
            step,
            "HTTP 401 unauthorized" + (auth.hasCredential() ? "" : " (no credentials found)"),
            401,
            List.of(),
            null);
      }
      if (Retries.retried(s) && retry && retries.another(attempt)) {
        String after = r.header("Retry-After").orElse(null);
        Responses.discard(r);
        retries.backoff(attempt, after);
        continue;
      }
      return r;
    }
  }

  /** The token realm's answers, read up to {@link #SMALL_LIMIT}. */
  private final RegistryAuth.TokenFetcher tokens =
      new RegistryAuth.TokenFetcher() {
        @Override
        public RegistryAuth.Response get(URI uri, @Nullable String authorization)
            throws IOException {
          return token(
              http.send(
                  "GET",
                  uri,
                  authorization == null ? Map.of() : Map.of("Authorization", authorization),
                  null,
                  0,
                  0));
        }

        @Override
        public RegistryAuth.Response post(URI uri, byte[] form) throws IOException {
          return token(
              http.send(
                  "POST",
                  uri,
                  Map.of("Content-Type", "application/x-www-form-urlencoded"),
                  form,
                  0,
                  form.length));
        }
      };

  private static RegistryAuth.Response token(HttpReply r) throws IOException {
    try (InputStream in = r.body()) {
      byte[] b = in.readNBytes(SMALL_LIMIT + 1);
      if (b.length > SMALL_LIMIT) {
        throw new IOException("token response larger than " + SMALL_LIMIT + " bytes");
      }
      return new RegistryAuth.Response(r.statusCode(), b);
    }
  }

  /**
   * A manifest as the registry serves it: its bytes, the media type it declared, and their digest.
   */
  @SuppressWarnings("ArrayRecordComponent") // identified by its digest; never compared
  public record Manifest(byte[] bytes, String mediaType, Digest digest) {}

  /**
   * Fetches the manifest (or index) named by a tag or digest; checks it against the digest when one
   * was asked for.
   *
   * @throws ImageException when it is missing, too large or does not match
   */
  public Manifest manifest(String repo, String reference) throws ImageException {
    String step = "get manifest " + reference;
    HttpReply r =
        call(
            repo,
            step,
            "GET",
            uri("/v2/" + repo + "/manifests/" + reference),
            null,
            Map.of("Accept", MANIFEST_ACCEPT),
            true);
    byte[] bytes = readSmall(repo, step, r);
    String type = r.header("Content-Type").orElse("").split(";", 2)[0].trim();
    Digest actual = Responses.sha256(bytes);
    if (reference.contains(":") && !Digest.parse(reference).equals(actual)) {
      throw fail(repo, step, "content has digest " + actual, null);
    }
    if (type.isEmpty() || type.equals("application/json")) {
      // mediaType is optional in OCI documents: an index lists manifests, a manifest names a
      // config.
      JsonNode doc = parse(repo, step, bytes);
      ManifestJson view = ManifestJson.of(doc);
      type = view == null || view.mediaType() == null ? "" : view.mediaType();
      if (type.isEmpty() && view != null) {
        type =
            IndexJson.hasManifests(doc)
                ? "application/vnd.oci.image.index.v1+json"
                : view.hasConfig() ? "application/vnd.oci.image.manifest.v1+json" : "";
      }
    }
    return new Manifest(bytes, type, actual);
  }

  /**
   * The size of the manifest with this digest, or -1 when the registry does not have it ({@code
   * HEAD}).
   */
  public long manifestSize(String repo, Digest digest) throws ImageException {
    return head(
        repo,
        "check manifest " + digest,
        "/manifests/" + digest,
        Map.of("Accept", MANIFEST_ACCEPT));
  }

  /** True when the registry has the manifest with this digest. */
  public boolean hasManifest(String repo, Digest digest) throws ImageException {
    return head(
            repo,
            "check manifest " + digest,
            "/manifests/" + digest,
            Map.of("Accept", MANIFEST_ACCEPT))
        >= 0;
  }

  /** The blob's size, or -1 when the registry does not have it ({@code HEAD}). */
  public long blobSize(String repo, Digest digest) throws ImageException {
    return head(repo, "check blob " + digest, "/blobs/" + digest, Map.of());
  }

  private long head(String repo, String step, String path, Map<String, String> headers)
      throws ImageException {
    HttpReply r = call(repo, step, "HEAD", uri("/v2/" + repo + path), null, headers, true);
    Responses.discard(r);
    if (r.statusCode() == 404) {
      return -1;
    }
    if (r.statusCode() != 200) {
      throw failed(repo, step, r, "");
    }
    return r.headerLong("Content-Length").orElse(0);
  }

  /**
   * Opens a blob's bytes as a stream that resumes with a range request when the connection breaks.
   *
   * @param size the size the manifest declares, or -1
   */
  public InputStream openBlob(String repo, Digest digest, long size) throws ImageException {
    return new BlobDownload(this, repo, digest, size, options.attempts());
  }

  /**
   * Opens at most the first {@code n} bytes of a blob (a range request), to sniff its compression.
   */
  public InputStream openBlobHead(String repo, Digest digest, int n) throws ImageException {
    String step = "download blob " + digest;
    HttpReply r =
        call(
            repo,
            step,
            "GET",
            uri("/v2/" + repo + "/blobs/" + digest),
            null,
            Map.of("Range", "bytes=0-" + (n - 1)),
            true);
    if (r.statusCode() != 200 && r.statusCode() != 206) {
      throw failed(repo, step, r, "");
    }
    byte[] head;
    try (InputStream in = r.body()) {
      head =
          in.readNBytes(
              n); // a registry that ignores the range sends everything: the rest is dropped
    } catch (IOException e) {
      throw fail(repo, step, Responses.detail(e), e);
    }
    return new java.io.ByteArrayInputStream(head);
  }

  /**
   * Tries a cross-repository mount of {@code digest} from {@code fromRepo}; when the registry
   * declines it starts a plain upload instead, which the caller can use or abort.
   *
   * @return null when the blob was mounted, else the upload the registry started
   */
  public @Nullable BlobUpload mountOrStart(
      String repo, Digest digest, String fromRepo, Path teeDir, TempFiles tempFiles)
      throws ImageException {
    String step = "mount blob " + digest + " from " + fromRepo;
    HttpReply r =
        call(
            repo,
            step,
            "POST",
            uri("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + fromRepo),
            new byte[0],
            Map.of(),
            true);
    Responses.discard(r);
    if (r.statusCode() == 201) {
      return null;
    }
    if (r.statusCode() == 202) {
      return new BlobUpload(this, repo, location(repo, step, r), teeDir, tempFiles);
    }
    throw failed(repo, step, r, "");
  }

  /**
   * Starts a chunked upload ({@code POST /v2/REPO/blobs/uploads/}).
   *
   * @param teeDir where the upload keeps a copy of its bytes to start again if the registry drops
   *     it, or null
   * @param tempFiles registry of that copy for signal cleanup
   */
  public BlobUpload startUpload(String repo, @Nullable Path teeDir, TempFiles tempFiles)
      throws ImageException {
    return new BlobUpload(this, repo, newUpload(repo), teeDir, tempFiles);
  }

  /** Opens an upload session and returns where its chunks go. */
  URI newUpload(String repo) throws ImageException {
    String step = "start blob upload";
    HttpReply r =
        call(
            repo,
            step,
            "POST",
            uri("/v2/" + repo + "/blobs/uploads/"),
            new byte[0],
            Map.of(),
            true);
    if (r.statusCode() != 202) {
      throw failed(repo, step, r, "");
    }
    Responses.discard(r);
    return location(repo, step, r);
  }

  /**
   * Starts a streamed {@code PATCH} of upload bytes to {@code location}, with the current
   * credentials. Its failures are the caller's to recover from (see {@link BlobUpload}).
   */
  HttpTransport.StreamedRequest streamTo(URI location) throws IOException {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put("Content-Type", "application/octet-stream");
    String a = auth.header();
    if (a != null && auth.sendsTo(location, endpoints)) {
      h.put("Authorization", a);
    }
    return http.stream("PATCH", location, h);
  }

  /** Puts a manifest under a digest or tag ({@code PUT /v2/REPO/manifests/REF}). */
  public void putManifest(String repo, String reference, byte[] bytes, String mediaType)
      throws ImageException {
    String step = "put manifest " + reference;
    HttpReply r =
        call(
            repo,
            step,
            "PUT",
            uri("/v2/" + repo + "/manifests/" + reference),
            bytes,
            Map.of("Content-Type", mediaType),
            true);
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw failed(repo, step, r, "");
    }
    Responses.discard(r);
  }

  URI location(String repo, String step, HttpReply r) throws ImageException {
    String loc = r.header("Location").orElse(null);
    if (loc == null) {
      throw fail(repo, step, "HTTP " + r.statusCode() + " without a Location header", null);
    }
    try {
      return Endpoints.resolve(r.uri(), loc, "Location");
    } catch (IOException e) {
      throw fail(repo, step, Responses.detail(e), e);
    }
  }

  private byte[] readSmall(String repo, String step, HttpReply r) throws ImageException {
    if (r.statusCode() != 200) {
      throw failed(repo, step, r, "");
    }
    try (InputStream in = r.body()) {
      byte[] b = in.readNBytes(SMALL_LIMIT + 1);
      if (b.length > SMALL_LIMIT) {
        throw fail(
            repo,
            step,
            "larger than " + SMALL_LIMIT + " bytes, too large for a JSON document",
            null);
      }
      return b;
    } catch (ImageException e) {
      throw e;
    } catch (IOException e) {
      throw fail(repo, step, Responses.detail(e), e);
    }
  }

  private JsonNode parse(String repo, String step, byte[] bytes) throws ImageException {
    try {
      return Json.parse(bytes);
    } catch (IOException e) {
      throw fail(repo, step, "invalid JSON", e);
    }
  }

  /**
   * The standard one-line failure: {@code registry R, repository P: STEP: DETAIL}, without an HTTP
   * answer.
   */
  RegistryException fail(String repo, String step, String detail, @Nullable Throwable cause) {
    return new RegistryException(registry, repo, step, detail, -1, java.util.List.of(), cause);
  }

  /**
   * A failure on an HTTP answer: its status and the registry's error codes (the body is read and
   * closed).
   */
  RegistryException failed(String repo, String step, HttpReply r, String suffix) {
    Responses.Errors e = Responses.errors(r);
    return new RegistryException(
        registry,
        repo,
        step,
        "HTTP " + r.statusCode() + e.text() + suffix,
        r.statusCode(),
        e.codes(),
        null);
  }

  /** Retry policy, for the streams that retry by themselves. */
  RegistryOptions options() {
    return options;
  }

  /** Closes the connections and the transport's threads. */
  @Override
  public void close() {
    http.close();
  }
}
