package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and stalled transfers against {@link FakeRegistry}: an upload whose PATCH breaks asks the
 * registry what it holds ({@code Range: 0-N}) and sends the rest from its kept copy, or starts
 * again when the registry dropped the upload; a transfer slower than the minimum rate (1000 bytes/s
 * over 1 s here) is cut and resumed like a broken one. No timing is asserted: the outcome and the
 * message say which bound acted.
 */
class RegistryResumeTest {
  private static final String CUT =
      "the registry sent less than 1000 bytes/s over 1 s"
          + " (--min-transfer-rate, --transfer-window)";
  private static final byte[] BLOB = new byte[1 << 20];
  private static final Digest DIGEST;

  static {
    new Random(7).nextBytes(BLOB);
    DIGEST = Responses.sha256(BLOB);
  }

  @TempDir Path dir;
  private FakeRegistry reg;
  private final TempFiles temps = new TempFiles();

  @BeforeEach
  void start() throws IOException {
    reg = new FakeRegistry();
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
            .withRetries(attempts, Duration.ofMillis(10))
            .withMinTransferRate(1000, Duration.ofSeconds(1)));
  }

  private void push(RegistryClient c) throws IOException {
    try (BlobUpload u = c.startUpload("app", dir, temps)) {
      u.copyFrom(new ByteArrayInputStream(BLOB));
      u.complete(DIGEST);
    }
  }

  /** Nothing of the upload's kept copy is left in the directory. */
  private void noCopyLeft() throws IOException {
    try (var s = Files.list(dir)) {
      assertEquals(List.of("auth.json"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aPatchCutHalfwayResumesFromTheRangeTheRegistryHolds() throws Exception {
    reg.fault("PATCH", "/v2/app/blobs/uploads/", 1, (ex, nth) -> reg.keepPart(ex, 300_000));
    try (RegistryClient c = client(3)) {
      push(c);
    }
    assertArrayEquals(BLOB, reg.blobs.get("app@" + DIGEST));
    assertEquals(List.of(300_000, BLOB.length - 300_000), reg.patches);
    assertEquals(1, reg.count("GET /v2/app/blobs/uploads/"), "one status request: " + reg.requests);
    assertEquals(
        1, reg.count("POST /v2/app/blobs/uploads/"), "the same upload went on: " + reg.requests);
    noCopyLeft();
  }

  @Test
  void anUploadTheRegistryDroppedStartsAgainFromTheKeptCopy() throws Exception {
    reg.fault(
        "PATCH",
        "/v2/app/blobs/uploads/",
        1,
        (ex, nth) -> {
          reg.keepPart(ex, 300_000);
          reg.dropUpload(ex);
        });
    try (RegistryClient c = client(3)) {
      push(c);
    }
    assertArrayEquals(BLOB, reg.blobs.get("app@" + DIGEST));
    assertEquals(List.of(300_000, BLOB.length), reg.patches);
    assertEquals(2, reg.count("POST /v2/app/blobs/uploads/"), reg.requests.toString());
    noCopyLeft();
  }

  @Test
  void cutsThatDoNotStopFailTheUploadWithOneLine() throws Exception {
    reg.fault("PATCH", "/v2/app/blobs/uploads/", 100, (ex, nth) -> reg.keepPart(ex, 1000));
    try (RegistryClient c = client(2)) {
      RegistryException e = assertThrows(RegistryException.class, () -> push(c));
      String m = e.getMessage();
      assertTrue(
          m.startsWith("registry 127.0.0.1:" + reg.port() + ", repository app: upload blob ("), m);
      assertTrue(m.endsWith(" (no retries left)"), m);
      assertEquals(1, m.lines().count(), m);
    }
    assertEquals(2, reg.count("PATCH /v2/app/blobs/uploads/"), reg.requests.toString());
    assertTrue(reg.blobs.isEmpty());
    noCopyLeft();
  }

  @Test
  void aStalledDownloadIsCutAndResumedWhereItStopped() throws Exception {
    reg.blobs.put("app@" + DIGEST, BLOB);
    reg.fault(
        "GET",
        "/v2/app/blobs/",
        1,
        (ex, nth) -> {
          ex.sendResponseHeaders(200, BLOB.length);
          ex.getResponseBody().write(BLOB, 0, 100_000);
          ex.getResponseBody().flush();
          reg.stall();
        });
    try (RegistryClient c = client(3);
        InputStream in = c.openBlob("app", DIGEST, BLOB.length)) {
      assertArrayEquals(BLOB, in.readAllBytes());
    }
    assertEquals(2, reg.count("GET /v2/app/blobs/"), reg.requests.toString());
    String resumed = reg.ranges.get(reg.ranges.size() - 1);
    assertTrue(resumed.matches("bytes=\\d+-"), resumed);
    long from = Long.parseLong(resumed.substring(6, resumed.length() - 1));
    assertTrue(from > 0 && from <= 100_000, resumed);
  }

  @Test
  void anUploadTheRegistryStopsReadingIsCutAndResumed() throws Exception {
    reg.fault(
        "PATCH",
        "/v2/app/blobs/uploads/",
        1,
        (ex, nth) -> {
          reg.keepPart(ex, 100_000);
          reg.stall();
        });
    try (RegistryClient c = client(3)) {
      push(c);
    }
    assertArrayEquals(BLOB, reg.blobs.get("app@" + DIGEST));
    // The second PATCH carried exactly what the registry did not hold: nothing was sent twice.
    assertEquals(2, reg.patches.size(), reg.patches.toString());
    assertEquals(BLOB.length, reg.patches.get(0) + reg.patches.get(1), reg.patches.toString());
    assertEquals(1, reg.count("POST /v2/app/blobs/uploads/"), reg.requests.toString());
  }

  @Test
  void anUploadThatStaysStalledFailsNamingTheRate() throws Exception {
    reg.fault("PATCH", "/v2/app/blobs/uploads/", 100, (ex, nth) -> reg.stall());
    try (RegistryClient c = client(2)) {
      RegistryException e = assertThrows(RegistryException.class, () -> push(c));
      String m = e.getMessage();
      assertTrue(
          m.startsWith("registry 127.0.0.1:" + reg.port() + ", repository app: upload blob ("), m);
      assertTrue(m.contains(CUT), m);
    }
    assertTrue(reg.blobs.isEmpty());
  }
}
