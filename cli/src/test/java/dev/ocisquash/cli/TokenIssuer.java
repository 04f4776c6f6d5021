package dev.ocisquash.cli;

import com.sun.net.httpserver.HttpServer;
import dev.ocisquash.testing.Proc;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A token issuer on 127.0.0.1 for distribution's token auth: it checks basic credentials and
 * answers {@code GET /token?service=&scope=...} with an RS256 JWT carrying the certificate (x5c)
 * the registry trusts, granting every scope asked for. It records the scopes of each request.
 */
final class TokenIssuer implements AutoCloseable {
  static final String SERVICE = "ocisquash-test-registry";
  static final String ISSUER = "ocisquash-test-issuer";
  final Path certFile;

  /** The scope parameters of each token request, in order. */
  final List<List<String>> requests = new CopyOnWriteArrayList<>();

  private final HttpServer server;
  private final PrivateKey key;
  private final String x5c;
  private final String basic;

  TokenIssuer(Path dir, String user, String pass) throws Exception {
    Files.createDirectories(dir);
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
            "/CN=ocisquash token issuer",
            "-keyout",
            d + "/token.key",
            "-out",
            d + "/token.crt")
        .timeout(60)
        .check();
    certFile = dir.resolve("token.crt");
    String pem = Files.readString(dir.resolve("token.key"));
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    X509Certificate cert;
    try (var in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    x5c = Base64.getEncoder().encodeToString(cert.getEncoded());
    basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/token",
        ex -> {
          List<String> scopes = new ArrayList<>();
          String q = ex.getRequestURI().getRawQuery();
          for (String kv : q == null ? new String[0] : q.split("&", -1)) {
            if (kv.startsWith("scope=")) {
              scopes.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
            }
          }
          requests.add(scopes);
          byte[] body;
          int status;
          if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            status = 401;
            body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8);
          } else {
            status = 200;
            body = ("{\"token\":\"" + jwt(user, scopes) + "\"}").getBytes(StandardCharsets.UTF_8);
          }
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  private String jwt(String user, List<String> scopes) throws IOException {
    StringBuilder access = new StringBuilder();
    for (String s : scopes) {
      for (String one : s.split(" ", -1)) {
        String[] p = one.split(":", -1);
        if (p.length < 3 || p[p.length - 1].isEmpty()) {
          continue;
        }
        String name = String.join(":", java.util.Arrays.copyOfRange(p, 1, p.length - 1));
        StringBuilder actions = new StringBuilder();
        for (String a : p[p.length - 1].split(",", -1)) {
          if (a.isEmpty()) {
            continue;
          }
          actions.append(actions.length() == 0 ? "" : ",").append('"').append(a).append('"');
        }
        access
            .append(access.length() == 0 ? "" : ",")
            .append("{\"type\":\"")
            .append(p[0])
            .append("\",\"name\":\"")
            .append(name)
            .append("\",\"actions\":[")
            .append(actions)
            .append("]}");
      }
    }
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + x5c + "\"]}";
    String claims =
        "{\"iss\":\""
            + ISSUER
            + "\",\"sub\":\""
            + user
            + "\",\"aud\":\""
            + SERVICE
            + "\",\"exp\":"
            + (now + 600)
            + ",\"nbf\":"
            + (now - 60)
            + ",\"iat\":"
            + now
            + ",\"jti\":\""
            + UUID.randomUUID()
            + "\",\"access\":["
            + access
            + "]}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(key);
      sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(sig.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
