package dev.ocisquash.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free port, started by the test
 * itself, with filesystem storage in a temporary directory: plain HTTP, or TLS with a CA made by
 * openssl, optionally with htpasswd (bcrypt) basic auth. Its access log tells which requests a
 * squash made.
 */
final class LocalRegistry implements AutoCloseable {
  final Path dir;
  final int port;

  /** For TLS registries: a directory with the CA as {@code ca.crt}, to pass as --cert-dir. */
  final Path certDir;

  private final Process process;
  private final Path log;

  private LocalRegistry(Path dir, int port, Path certDir, Process process, Path log) {
    this.dir = dir;
    this.port = port;
    this.certDir = certDir;
    this.process = process;
    this.log = log;
  }

  /** A plain-HTTP registry. */
  static LocalRegistry plain(Path dir) throws Exception {
    return start(dir, false, null, null, null);
  }

  /**
   * A TLS registry whose certificate is signed by a fresh CA (in {@link #certDir}), with optional
   * basic auth.
   */
  static LocalRegistry tls(Path dir, String user, String pass) throws Exception {
    return start(dir, true, user, pass, null);
  }

  /** A plain-HTTP registry that wants bearer tokens from {@code issuer}. */
  static LocalRegistry withTokens(Path dir, TokenIssuer issuer) throws Exception {
    return start(dir, false, null, null, issuer);
  }

  private static LocalRegistry start(
      Path dir, boolean tls, String user, String pass, TokenIssuer issuer) throws Exception {
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    StringBuilder cfg = new StringBuilder();
    cfg.append("version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n");
    cfg.append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(dir.resolve("data"))
        .append('\n');
    cfg.append("  delete:\n    enabled: true\n");
    cfg.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
    Path certDir = null;
    if (tls) {
      certDir = dir.resolve("certs");
      Files.createDirectories(certDir);
      makeCertificates(dir, certDir);
      cfg.append("  tls:\n    certificate: ").append(dir.resolve("server.crt")).append('\n');
      cfg.append("    key: ").append(dir.resolve("server.key")).append('\n');
    }
    if (user != null) {
      String line = Proc.of("htpasswd", "-Bbn", user, pass).timeout(30).check().strip();
      Files.writeString(dir.resolve("htpasswd"), line + "\n");
      cfg.append("auth:\n  htpasswd:\n    realm: ocisquash-test\n    path: ")
          .append(dir.resolve("htpasswd"))
          .append('\n');
    }
    if (issuer != null) {
      cfg.append("auth:\n  token:\n    realm: ").append(issuer.realm()).append('\n');
      cfg.append("    service: ").append(TokenIssuer.SERVICE).append('\n');
      cfg.append("    issuer: ").append(TokenIssuer.ISSUER).append('\n');
      cfg.append("    rootcertbundle: ").append(issuer.certFile).append('\n');
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(config, cfg.toString());
    Path log = dir.resolve("registry.log");
    Process p = Proc.of("docker-registry", "serve", config.toString()).start(log);
    LocalRegistry r = new LocalRegistry(dir, port, certDir, p, log);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return r;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          r.close();
          throw new AssertionError("docker-registry did not start:\n" + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  private static void makeCertificates(Path dir, Path certDir) throws Exception {
    String d = dir.toString();
    Proc.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=ocisquash test CA",
            "-keyout",
            d + "/ca.key",
            "-out",
            d + "/ca.crt")
        .timeout(60)
        .check();
    // The name RegistryProxyTest reaches it by through squid.
    Files.writeString(
        dir.resolve("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:" + Squid.NAME + "\nbasicConstraints=CA:FALSE\n");
    Proc.of(
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            d + "/server.key",
            "-out",
            d + "/server.csr")
        .timeout(60)
        .check();
    Proc.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            d + "/server.csr",
            "-CA",
            d + "/ca.crt",
            "-CAkey",
            d + "/ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            d + "/san.ext",
            "-out",
            d + "/server.crt")
        .timeout(60)
        .check();
    Files.copy(dir.resolve("ca.crt"), certDir.resolve("ca.crt"));
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + port;
  }

  /** {@code docker://127.0.0.1:PORT/REPO}. */
  String ref(String repoAndTag) {
    return "docker://" + host() + "/" + repoAndTag;
  }

  /** The access log lines so far. */
  List<String> requests() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains("\"HTTP/") || l.contains(" HTTP/1.1\""))
        .toList();
  }

  /**
   * How many access-log lines from {@code from} on match {@code regex} (e.g. {@code "PUT
   * /v2/x/blobs/uploads/"}).
   */
  long count(int from, String regex) throws IOException {
    Pattern p = Pattern.compile(regex);
    List<String> all = requests();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(l -> p.matcher(l).find())
        .count();
  }

  /**
   * A file for skopeo ({@code --registries-conf}) marking this registry insecure (HTTP or
   * self-signed).
   */
  Path registriesConf() throws IOException {
    Path f = dir.resolve("registries.conf");
    Files.writeString(f, "[[registry]]\nlocation = \"" + host() + "\"\ninsecure = true\n");
    return f;
  }

  /** Where {@link #pushSample} puts the busybox sample. */
  static final String SAMPLE = "src/busybox:1";

  /**
   * Pushes the busybox sample ({@link TestData#sample()}) to {@link #SAMPLE} with skopeo, with
   * {@code options} (for example {@code --dest-creds}) before the source; returns its reference.
   */
  String pushSample(String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("copy"));
    args.addAll(List.of(options));
    args.add("docker-archive:" + TestData.sample());
    args.add(ref(SAMPLE));
    skopeo(args.toArray(new String[0]));
    return ref(SAMPLE);
  }

  /**
   * Runs skopeo with this registry marked insecure (plain HTTP, self-signed) and fails on a
   * non-zero exit.
   */
  String skopeo(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("skopeo", "--registries-conf", registriesConf().toString()));
    cmd.addAll(List.of(args));
    return runChecked(cmd, Map.of());
  }

  /**
   * An environment whose {@code skopeo} marks this registry insecure: skopeo 1.9 reads no
   * environment variable for that, so a wrapper first on PATH adds {@code --registries-conf} for
   * scripts that call plain skopeo.
   */
  Map<String, String> insecureSkopeoEnv() throws Exception {
    Path bin = dir.resolve("skopeo-bin");
    Path wrapper = bin.resolve("skopeo");
    if (!Files.exists(wrapper)) {
      Files.createDirectories(bin);
      Files.writeString(
          wrapper,
          "#!/bin/sh\nexec /usr/bin/skopeo --registries-conf '" + registriesConf() + "' \"$@\"\n");
      wrapper.toFile().setExecutable(true);
    }
    return Map.of("PATH", bin + ":" + System.getenv("PATH"));
  }

  /**
   * testdata/tools/compare-squash.sh on two skopeo refs: umoci unpack of both, trees and config
   * compared.
   */
  void sameTree(String original, String squashed) throws Exception {
    runChecked(
        List.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            original,
            squashed),
        insecureSkopeoEnv());
  }

  /** The manifest a reference names, as the registry serves it. */
  JsonNode rawManifest(String ref) throws Exception {
    return new ObjectMapper().readTree(skopeo("inspect", "--raw", ref));
  }

  /** One plain-HTTP request to this registry, accepting image manifests. */
  HttpResponse<String> http(String method, String path, String body, String type) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + host() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header(
                "Accept",
                "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");
    if (type != null) {
      b.header("Content-Type", type);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String runChecked(List<String> cmd, Map<String, String> env) throws Exception {
    return Proc.of(cmd).env(env).timeout(600).check();
  }

  /**
   * Runs a command with extra environment variables; its output (stdout and stderr) goes to a temp
   * file.
   */
  static Proc.Result runEnv(List<String> cmd, Map<String, String> env) throws Exception {
    return Proc.of(cmd).env(env).timeout(600).run();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
