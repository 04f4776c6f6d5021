package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Digest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Docker's credential rule: the registry's Authorization goes to the registry and to hosts that
 * challenge, never to an upload Location on another host (here 127.0.0.2, which records what it
 * receives).
 */
class CredentialPolicyTest {
  private static final byte[] BLOB = "blob bytes".getBytes(StandardCharsets.UTF_8);
  private HttpServer registry;
  private HttpServer storage;

  /** {@code METHOD Authorization} as the other host received them. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.stop(0);
    }
    if (storage != null) {
      storage.stop(0);
    }
  }

  /**
   * Registry on 127.0.0.1 (basic auth), uploads on 127.0.0.2, which challenges the commit when
   * asked to.
   */
  private RegistryClient start(boolean storageChallenges) throws Exception {
    String expected = new Credential("u", "p").basicHeader();
    storage = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 4);
    String where = "http://127.0.0.2:" + storage.getAddress().getPort() + "/upload/1";
    storage.createContext(
        "/upload/",
        ex -> {
          String a = ex.getRequestHeaders().getFirst("Authorization");
          seen.add(ex.getRequestMethod() + " " + a);
          ex.getRequestBody().readAllBytes();
          if (ex.getRequestMethod().equals("PUT") && storageChallenges && !expected.equals(a)) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"storage\"");
            RegistryRedirectTest.answer(ex, 401, new byte[0]);
            return;
          }
          ex.getResponseHeaders().add("Location", where);
          RegistryRedirectTest.answer(
              ex, ex.getRequestMethod().equals("PUT") ? 201 : 202, new byte[0]);
        });
    registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    registry.createContext(
        "/v2/",
        ex -> {
          if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
            RegistryRedirectTest.answer(ex, 401, new byte[0]);
            return;
          }
          if (ex.getRequestURI().getPath().equals("/v2/app/blobs/uploads/")) {
            ex.getResponseHeaders().add("Location", where);
            RegistryRedirectTest.answer(ex, 202, new byte[0]);
            return;
          }
          RegistryRedirectTest.answer(ex, 200, "{}".getBytes(StandardCharsets.UTF_8));
        });
    storage.start();
    registry.start();
    ImageRef ref =
        ImageRef.parse("docker://127.0.0.1:" + registry.getAddress().getPort() + "/app:1");
    return RegistryClient.connect(
        ref, RegistryOptions.defaults().withTlsVerify(false).withCreds("u:p"));
  }

  private static void upload(RegistryClient c) throws Exception {
    Digest d = Responses.sha256(BLOB);
    try (BlobUpload up = c.startUpload("app", null, new TempFiles())) {
      up.write(BLOB);
      up.complete(d);
    }
  }

  @Test
  void anUploadLocationOnAnotherHostGetsNoAuthorization() throws Exception {
    try (RegistryClient c = start(false)) {
      upload(c);
    }
    assertEquals(List.of("PATCH null", "PUT null"), seen);
  }

  @Test
  void anotherHostThatChallengesGetsItAfterItsChallenge() throws Exception {
    try (RegistryClient c = start(true)) {
      upload(c);
    }
    String basic = new Credential("u", "p").basicHeader();
    assertEquals(List.of("PATCH null", "PUT null", "PUT " + basic), seen);
  }
}
