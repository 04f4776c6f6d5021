package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Registries send blob downloads elsewhere (S3, a CDN) with a redirect to a signed URL: the client
 * follows it without the registry's Authorization header, which such storage refuses. Two servers
 * on 127.0.0.1 play the registry (basic auth) and the storage.
 */
class RegistryRedirectTest {
  static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void blobRedirectsToOtherHostsDropTheAuthorization() throws Exception {
    byte[] blob = "layer bytes from the storage host".getBytes(StandardCharsets.UTF_8);
    Digest digest = Responses.sha256(blob);
    List<String> storageAuth = new CopyOnWriteArrayList<>();
    HttpServer storage =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    storage.createContext(
        "/signed",
        ex -> {
          String a = ex.getRequestHeaders().getFirst("Authorization");
          storageAuth.add(String.valueOf(a));
          answer(
              ex,
              a == null ? 200 : 400,
              a == null ? blob : "two credentials".getBytes(StandardCharsets.UTF_8));
        });
    HttpServer registry =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    String expected = new Credential("u", "p").basicHeader();
    registry.createContext(
        "/v2/",
        ex -> {
          if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
            answer(ex, 401, new byte[0]);
            return;
          }
          if (ex.getRequestURI().getPath().equals("/v2/app/blobs/" + digest)) {
            ex.getResponseHeaders()
                .add(
                    "Location",
                    "http://localhost:"
                        + storage.getAddress().getPort()
                        + "/signed?X-Amz-Signature=abc");
            answer(ex, 307, new byte[0]);
            return;
          }
          answer(ex, 200, "{}".getBytes(StandardCharsets.UTF_8));
        });
    storage.start();
    registry.start();
    try {
      ImageRef ref =
          ImageRef.parse("docker://127.0.0.1:" + registry.getAddress().getPort() + "/app:1");
      RegistryOptions o = RegistryOptions.defaults().withTlsVerify(false).withCreds("u:p");
      try (RegistryClient c = RegistryClient.connect(ref, o);
          InputStream in = c.openBlob("app", digest, blob.length)) {
        assertArrayEquals(blob, in.readAllBytes());
      }
      assertEquals(List.of("null"), storageAuth);
    } finally {
      registry.stop(0);
      storage.stop(0);
    }
  }
}
