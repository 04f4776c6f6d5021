package dev.ocisquash.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory registry (distribution spec v2) on the JDK's HTTP server at 127.0.0.1, as
 * go-containerregistry tests its transport against {@code httptest} servers: manifests, blobs with
 * ranges, chunked uploads with their status ({@code Range: 0-N}), mounts, and optionally bearer
 * tokens from its own realm ({@code /token}), checked per repository and action as distribution's
 * token auth does. Faults replace the answer to the first requests that match.
 */
final class FakeRegistry implements AutoCloseable {
  private static final Pattern PATH =
      Pattern.compile("/v2/(.+)/(manifests|blobs)/(uploads/)?([^/]*)");

  /**
   * Answers one request instead of the registry; {@code nth} counts this fault's requests from 1.
   */
  interface Fault {
    void answer(HttpExchange ex, int nth) throws IOException;
  }

  private record Rule(
      String method, String pathPrefix, int times, Fault fault, AtomicInteger seen) {}

  /** {@code METHOD PATH[?QUERY]} of every request to the registry (not to the realm), in order. */
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** Each request's {@code Range} header, or "", in the order of {@link #requests}. */
  final List<String> ranges = new CopyOnWriteArrayList<>();

  /** The byte counts of the PATCH bodies the registry took, in order. */
  final List<Integer> patches = new CopyOnWriteArrayList<>();

  /** Token requests: their query, then {@code | Authorization} (or {@code | none}). */
  final List<String> tokenRequests = new CopyOnWriteArrayList<>();

  final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();

  /** Token to the scopes it grants ({@code repository:NAME:ACTION}, one action each). */
  private final Map<String, Set<String>> tokens = new ConcurrentHashMap<>();

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final HttpServer server;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-registry");
            t.setDaemon(true);
            return t;
          });

  /**
   * Bearer mode: {@code USER:PASS} the realm accepts ("" for anonymous tokens only), or null for no
   * auth.
   */
  private final String tokenCreds;

  /** A registry without auth. */
  FakeRegistry() throws IOException {
    this(null);
  }

  /**
   * @param tokenCreds null: no auth; otherwise bearer tokens, given to clients with these basic
   *     credentials ({@code USER:PASS}) or, when "", to anyone
   */
  FakeRegistry(String tokenCreds) throws IOException {
    this.tokenCreds = tokenCreds;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.createContext("/token", this::token);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** {@code docker://127.0.0.1:PORT/REPO:TAG}. */
  ImageRef ref(String repoTag) {
    return ImageRef.parse("docker://127.0.0.1:" + port() + "/" + repoTag);
  }

  String realm() {
    return "http://127.0.0.1:" + port() + "/token";
  }

  /**
   * The first {@code times} requests of {@code method} on a path starting with {@code pathPrefix}
   * get the fault.
   */
  void fault(String method, String pathPrefix, int times, Fault fault) {
    rules.add(new Rule(method, pathPrefix, times, fault, new AtomicInteger()));
  }

  /**
   * Blocks a fault's handler until the registry closes (a stalled server; the client must give up
   * first).
   */
  void stall() throws IOException {
    try {
      closing.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IOException("stalled until the registry closed");
  }

  static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void error(HttpExchange ex, int status, String code) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    send(
        ex,
        status,
        ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"\"}]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      requests.add(method + " " + path + (query == null ? "" : "?" + query));
      String range = ex.getRequestHeaders().getFirst("Range");
      ranges.add(range == null ? "" : range);
      for (Rule r : rules) {
        if (r.method.equals(method) && path.startsWith(r.pathPrefix) && r.seen.get() < r.times) {
          r.fault.answer(ex, r.seen.incrementAndGet());
          return;
        }
      }
      Matcher m = PATH.matcher(path);
      String repo = m.matches() ? m.group(1) : "";
      if (!authorized(
          ex,
          path.equals("/v2/") ? null : repo,
          method.equals("GET") || method.equals("HEAD") ? "pull" : "push",
          query)) {
        return;
      }
      if (path.equals("/v2/")) {
        send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8));
      } else if (!m.matches()) {
        error(ex, 404, "NAME_UNKNOWN");
      } else if (m.group(2).equals("manifests")) {
        manifest(ex, repo, m.group(4));
      } else if (m.group(3) == null) {
        blob(ex, repo + "@" + m.group(4));
      } else {
        upload(ex, repo, m.group(4), query);
      }
    }
  }

  /**
   * Checks the bearer token for {@code repo} and {@code action}; answers the challenge when it
   * falls short.
   */
  private boolean authorized(HttpExchange ex, String repo, String action, String query)
      throws IOException {
    if (tokenCreds == null) {
      return true;
    }
    String a = ex.getRequestHeaders().getFirst("Authorization");
    Set<String> granted = a != null && a.startsWith("Bearer ") ? tokens.get(a.substring(7)) : null;
    List<String> wanted = new ArrayList<>();
    if (repo != null) {
      wanted.add("repository:" + repo + ":" + action);
      if (action.equals("push")) {
        wanted.add("repository:" + repo + ":pull");
      }
      String from = param(query, "from");
      if (from != null) {
        wanted.add("repository:" + from + ":pull");
      }
    }
    if (granted != null && granted.containsAll(wanted)) {
      return true;
    }
    String scope =
        repo == null
            ? ""
            : ",scope=\"repository:"
                + repo
                + ":"
                + (action.equals("push") ? "pull,push" : "pull")
                + "\"";
    ex.getResponseHeaders()
        .set("WWW-Authenticate", "Bearer realm=\"" + realm() + "\",service=\"fake\"" + scope);
    error(ex, 401, "UNAUTHORIZED");
    return false;
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      String query = ex.getRequestURI().getRawQuery();
      String a = ex.getRequestHeaders().getFirst("Authorization");
      tokenRequests.add(query + " | " + (a == null ? "none" : a));
      boolean ok =
          tokenCreds.isEmpty()
              ? a == null
              : ("Basic "
                      + Base64.getEncoder()
                          .encodeToString(tokenCreds.getBytes(StandardCharsets.UTF_8)))
                  .equals(a);
      if (!ok || !"fake".equals(param(query, "service"))) {
        send(ex, 401, new byte[0]);
        return;
      }
      Set<String> grant = ConcurrentHashMap.newKeySet();
      for (String kv : query.split("&", -1)) {
        if (kv.startsWith("scope=")) {
          String[] s = URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8).split(":", -1);
          for (String action : s[2].split(",", -1)) {
            if (action.isEmpty()) {
              continue; // "pull," grants pull only
            }
            grant.add(s[0] + ":" + s[1] + ":" + action);
          }
        }
      }
      String token = "t" + ids.incrementAndGet();
      tokens.put(token, grant);
      send(ex, 200, ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String param(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String kv : query.split("&", -1)) {
      if (kv.startsWith(name + "=")) {
        return URLDecoder.decode(kv.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private void manifest(HttpExchange ex, String repo, String ref) throws IOException {
    String key = repo + ":" + ref;
    switch (ex.getRequestMethod()) {
      case "PUT" -> {
        byte[] b = ex.getRequestBody().readAllBytes();
        manifests.put(key, b);
        manifests.put(repo + ":" + Responses.sha256(b), b);
        send(ex, 201, new byte[0]);
      }
      case "GET", "HEAD" -> {
        byte[] b = manifests.get(key);
        if (b == null) {
          error(ex, 404, "MANIFEST_UNKNOWN");
          return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        if (ex.getRequestMethod().equals("HEAD")) {
          ex.getResponseHeaders().set("Content-Length", Integer.toString(b.length));
          ex.sendResponseHeaders(200, -1);
        } else {
          send(ex, 200, b);
        }
      }
      default -> error(ex, 405, "UNSUPPORTED");
    }
  }

  private void blob(HttpExchange ex, String key) throws IOException {
    byte[] b = blobs.get(key);
    if (b == null) {
      error(ex, 404, "BLOB_UNKNOWN");
      return;
    }
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(b.length));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range != null && range.matches("bytes=\\d+-")) {
      int from = Integer.parseInt(range.substring(6, range.length() - 1));
      ex.getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (b.length - 1) + "/" + b.length);
      send(ex, 206, java.util.Arrays.copyOfRange(b, from, b.length));
      return;
    }
    send(ex, 200, b);
  }

  /** Sets {@code Location} and the distribution-style {@code Range: 0-LAST} of an upload. */
  private static void progress(HttpExchange ex, String repo, String id, int size) {
    ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/uploads/" + id);
    ex.getResponseHeaders().set("Range", "0-" + Math.max(0, size - 1));
    ex.getResponseHeaders().set("Docker-Upload-UUID", id);
  }

  private void upload(HttpExchange ex, String repo, String id, String query) throws IOException {
    String method = ex.getRequestMethod();
    if (id.isEmpty() && method.equals("POST")) {
      String mount = param(query, "mount");
      String from = param(query, "from");
      if (mount != null && from != null && blobs.containsKey(from + "@" + mount)) {
        blobs.put(repo + "@" + mount, blobs.get(from + "@" + mount));
        ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + mount);
        send(ex, 201, new byte[0]);
        return;
      }
      String u = "u" + ids.incrementAndGet();
      uploads.put(u, new ByteArrayOutputStream());
      progress(ex, repo, u, 0);
      send(ex, 202, new byte[0]);
      return;
    }
    ByteArrayOutputStream held = uploads.get(id);
    if (held == null) {
      error(ex, 404, "BLOB_UPLOAD_UNKNOWN");
      return;
    }
    switch (method) {
      case "GET" -> {
        progress(ex, repo, id, held.size());
        send(ex, 204, new byte[0]);
      }
      case "PATCH" -> {
        byte[] b = ex.getRequestBody().readAllBytes();
        patches.add(b.length);
        synchronized (held) {
          held.writeBytes(b);
        }
        progress(ex, repo, id, held.size());
        send(ex, 202, new byte[0]);
      }
      case "PUT" -> {
        held.writeBytes(ex.getRequestBody().readAllBytes());
        byte[] b = held.toByteArray();
        String digest = param(query, "digest");
        if (!Responses.sha256(b).toString().equals(digest)) {
          error(ex, 400, "DIGEST_INVALID");
          return;
        }
        uploads.remove(id);
        blobs.put(repo + "@" + digest, b);
        ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + digest);
        send(ex, 201, new byte[0]);
      }
      case "DELETE" -> {
        uploads.remove(id);
        send(ex, 204, new byte[0]);
      }
      default -> error(ex, 405, "UNSUPPORTED");
    }
  }

  /**
   * Takes {@code n} bytes of an upload's PATCH into the upload (as a registry that keeps a partial
   * body does).
   */
  void keepPart(HttpExchange ex, int n) throws IOException {
    Matcher m = PATH.matcher(ex.getRequestURI().getRawPath());
    if (!m.matches()) {
      throw new IOException("not an upload: " + ex.getRequestURI());
    }
    InputStream in = ex.getRequestBody();
    byte[] b = in.readNBytes(n);
    patches.add(b.length);
    ByteArrayOutputStream held = uploads.get(m.group(4));
    synchronized (held) {
      held.writeBytes(b);
    }
  }

  /**
   * Forgets an upload (as distribution does when a broken request left part of its body behind).
   */
  void dropUpload(HttpExchange ex) {
    Matcher m = PATH.matcher(ex.getRequestURI().getRawPath());
    if (m.matches()) {
      uploads.remove(m.group(4));
    }
  }

  /** How many requests so far were {@code METHOD PATH...} starting with {@code prefix}. */
  long count(String prefix) {
    return requests.stream().filter(r -> r.startsWith(prefix)).count();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
