package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer token auth against {@link FakeRegistry}: a 401 with {@code WWW-Authenticate: Bearer
 * realm,service,scope} sends the client to the realm, with the basic credential when it has one,
 * for every scope the run has needed; the request is then retried with the token. One token covers
 * a pull, a push and a mount's source.
 */
class RegistryTokenTest {
  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"config\":{}}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Responses.sha256(BLOB);
  @TempDir Path dir;
  private FakeRegistry reg;

  @AfterEach
  void stop() {
    if (reg != null) {
      reg.close();
    }
  }

  /**
   * Options with {@code creds} (or none) and an empty auth file, so nothing of this machine's is
   * used.
   */
  private RegistryOptions options(String creds) throws IOException {
    Path auth = Files.writeString(dir.resolve("auth.json"), "{}");
    RegistryOptions o =
        RegistryOptions.defaults()
            .withTlsVerify(false)
            .withAuthFile(auth)
            .withRetries(2, Duration.ofMillis(10));
    return creds == null ? o : o.withCreds(creds);
  }

  private FakeRegistry seeded(String tokenCreds) throws IOException {
    reg = new FakeRegistry(tokenCreds);
    reg.manifests.put("src/app:1", MANIFEST);
    reg.blobs.put("src/app@" + DIGEST, BLOB);
    return reg;
  }

  private static String basic(String creds) {
    return "Basic " + Base64.getEncoder().encodeToString(creds.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anAnonymousPullGetsATokenForItsScopeAndRetries() throws Exception {
    seeded("");
    try (RegistryClient c = RegistryClient.connect(reg.ref("src/app:1"), options(null))) {
      assertArrayEquals(MANIFEST, c.manifest("src/app", "1").bytes());
      try (InputStream in = c.openBlob("src/app", DIGEST, BLOB.length)) {
        assertArrayEquals(BLOB, in.readAllBytes());
      }
    }
    // One token for the repository, asked without credentials; the blob went out with it,
    // unchallenged.
    assertEquals(
        List.of("service=fake&scope=repository%3Asrc%2Fapp%3Apull | none"), reg.tokenRequests);
    assertEquals(
        List.of(
            "GET /v2/",
            "GET /v2/src/app/manifests/1",
            "GET /v2/src/app/manifests/1",
            "GET /v2/src/app/blobs/" + DIGEST),
        reg.requests);
  }

  @Test
  void theTokenRequestCarriesTheBasicCredential() throws Exception {
    seeded("bob:pw");
    try (RegistryClient c = RegistryClient.connect(reg.ref("src/app:1"), options("bob:pw"))) {
      assertArrayEquals(MANIFEST, c.manifest("src/app", "1").bytes());
    }
    assertEquals(
        List.of("service=fake&scope=repository%3Asrc%2Fapp%3Apull | " + basic("bob:pw")),
        reg.tokenRequests);
  }

  @Test
  void aRefusedTokenIsOneLineNamingTheStepAndTheRealm() throws Exception {
    seeded("bob:pw");
    try (RegistryClient c = RegistryClient.connect(reg.ref("src/app:1"), options("bob:wrong"))) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest("src/app", "1"));
      assertEquals(
          "registry 127.0.0.1:"
              + reg.port()
              + ", repository src/app: get manifest 1: authentication"
              + " failed: token request to "
              + reg.realm()
              + " answered HTTP 401",
          e.getMessage());
    }
    try (RegistryClient c = RegistryClient.connect(reg.ref("src/app:1"), options(null))) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest("src/app", "1"));
      assertTrue(
          e.getMessage().endsWith("answered HTTP 401 (no credentials configured)"), e.getMessage());
    }
  }

  @Test
  void aPushAsksOneTokenForThePushAndTheMountSource() throws Exception {
    seeded("bob:pw");
    try (RegistryClient c = RegistryClient.connect(reg.ref("dst/app:1"), options("bob:pw"))) {
      c.need("src/app", "pull");
      c.need("dst/app", "pull,push");
      assertNull(c.mountOrStart("dst/app", DIGEST, "src/app", null, new TempFiles()), "mounted");
      c.putManifest("dst/app", "1", MANIFEST, "application/vnd.oci.image.manifest.v1+json");
    }
    assertEquals(1, reg.tokenRequests.size(), reg.tokenRequests.toString());
    assertEquals(
        "service=fake&scope=repository%3Adst%2Fapp%3Apull%2Cpush&scope=repository%3Asrc%2Fapp%3Apull | "
            + basic("bob:pw"),
        reg.tokenRequests.get(0));
    assertArrayEquals(BLOB, reg.blobs.get("dst/app@" + DIGEST));
    assertArrayEquals(MANIFEST, reg.manifests.get("dst/app:1"));
  }

  @Test
  void aScopeFirstSeenInAChallengeIsAddedToTheNextToken() throws Exception {
    seeded("bob:pw");
    try (RegistryClient c = RegistryClient.connect(reg.ref("src/app:1"), options("bob:pw"))) {
      assertArrayEquals(MANIFEST, c.manifest("src/app", "1").bytes());
      // The push was not announced with need(): its challenge names the scope, and the new token
      // keeps the pull.
      try (BlobUpload u = c.startUpload("dst/app", dir, new TempFiles())) {
        u.write(BLOB);
        u.complete(DIGEST);
      }
      try (InputStream in = c.openBlob("src/app", DIGEST, BLOB.length)) {
        assertArrayEquals(BLOB, in.readAllBytes());
      }
    }
    assertEquals(2, reg.tokenRequests.size(), reg.tokenRequests.toString());
    assertTrue(
        reg.tokenRequests
            .get(1)
            .startsWith(
                "service=fake&scope=repository%3Adst%2Fapp%3Apull%2Cpush&scope=repository%3Asrc%2Fapp%3Apull | "),
        reg.tokenRequests.get(1));
    assertArrayEquals(BLOB, reg.blobs.get("dst/app@" + DIGEST));
  }
}
