package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry policy against {@link FakeRegistry}: 429 and 5xx answers and broken connections are
 * tried again with backoff ({@code Retry-After} honoured), up to the number of attempts; then the
 * step fails with one line. Other answers are not retried.
 */
class RegistryRetryTest {
  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"config\":{}}".getBytes(StandardCharsets.UTF_8);
  @TempDir Path dir;
  private FakeRegistry reg;

  @BeforeEach
  void start() throws IOException {
    reg = new FakeRegistry();
    reg.manifests.put("app:1", MANIFEST);
  }

  @AfterEach
  void stop() {
    reg.close();
  }

  private RegistryClient client(int attempts) throws IOException {
    Path auth = Files.writeString(dir.resolve("auth.json"), "{}");
    return RegistryClient.connect(
        reg.ref("app:1"),
        RegistryOptions.defaults()
            .withTlsVerify(false)
            .withAuthFile(auth)
            .withRetries(attempts, Duration.ofMillis(10)));
  }

  private static FakeRegistry.Fault status(int code, String retryAfter) {
    return (ex, nth) -> {
      if (retryAfter != null) {
        ex.getResponseHeaders().set("Retry-After", retryAfter);
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      FakeRegistry.send(
          ex,
          code,
          ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try " + nth + "\"}]}")
              .getBytes(StandardCharsets.UTF_8));
    };
  }

  /**
   * Closes the connection without an answer. The transport sends such a request once more by itself
   * (a kept-alive connection the server closed looks the same), so each attempt is two requests.
   */
  private static final FakeRegistry.Fault BREAK = (ex, nth) -> {};

  @Test
  void a503AndA429WithRetryAfterAreRetriedUntilTheAnswerComes() throws Exception {
    reg.fault("GET", "/v2/app/manifests/", 1, status(503, null));
    reg.fault("GET", "/v2/app/manifests/", 1, status(429, "1"));
    try (RegistryClient c = client(3)) {
      assertArrayEquals(MANIFEST, c.manifest("app", "1").bytes());
    }
    assertEquals(3, reg.count("GET /v2/app/manifests/1"));
  }

  @Test
  void aBrokenConnectionIsRetried() throws Exception {
    reg.fault(
        "GET",
        "/v2/app/manifests/",
        2,
        BREAK); // the first attempt and the transport's resend of it
    try (RegistryClient c = client(2)) {
      assertArrayEquals(MANIFEST, c.manifest("app", "1").bytes());
    }
    assertEquals(3, reg.count("GET /v2/app/manifests/1"));
  }

  @Test
  void fiveHundredsThatDoNotStopFailAfterTheBoundWithOneLine() throws Exception {
    reg.fault("GET", "/v2/app/manifests/", 100, status(503, null));
    try (RegistryClient c = client(3)) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest("app", "1"));
      assertEquals(
          "registry 127.0.0.1:"
              + reg.port()
              + ", repository app: get manifest 1: HTTP 503"
              + " (UNAVAILABLE: try 3)",
          e.getMessage());
      assertEquals(503, e.status());
    }
    assertEquals(3, reg.count("GET /v2/app/manifests/1"));
  }

  @Test
  void brokenConnectionsThatDoNotStopFailAfterTheBoundWithOneLine() throws Exception {
    reg.fault("GET", "/v2/app/manifests/", 100, BREAK);
    try (RegistryClient c = client(2)) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest("app", "1"));
      String m = e.getMessage();
      assertTrue(
          m.startsWith("registry 127.0.0.1:" + reg.port() + ", repository app: get manifest 1: "),
          m);
      assertTrue(m.endsWith(" (after 2 attempts)"), m);
      assertEquals(1, m.lines().count(), m);
    }
    assertEquals(4, reg.count("GET /v2/app/manifests/1"), "two attempts of two requests");
  }

  @Test
  void otherRefusalsAreNotRetried() throws Exception {
    reg.fault("GET", "/v2/app/manifests/", 100, status(403, null));
    try (RegistryClient c = client(5)) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest("app", "1"));
      assertEquals(403, e.status());
    }
    assertEquals(1, reg.count("GET /v2/app/manifests/1"));
  }
}
