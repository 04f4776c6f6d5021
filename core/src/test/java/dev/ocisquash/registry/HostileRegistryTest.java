package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import dev.ocisquash.model.Digest;
import dev.ocisquash.testing.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A misbehaving registry scripted byte for byte on 127.0.0.1: whatever it sends, a read ends within
 * the bounds the descriptors and options set, with one line naming the registry, repository, step
 * and blob.
 */
class HostileRegistryTest {
  private static final byte[] BLOB =
      "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Responses.sha256(BLOB);
  private ScriptedServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A registry answering /v2/ with 200 and blob requests with the script. */
  private RegistryClient registry(
      Function<ScriptedServer.Request, byte[]> blob, boolean closeAfterEach) throws IOException {
    return registry((r, out) -> out.write(blob.apply(r)), closeAfterEach);
  }

  /**
   * A registry answering /v2/ with 200 and writing the answer to blob requests itself; 1000 bytes/s
   * over 1 s.
   */
  private RegistryClient registry(ScriptedServer.Writer blob, boolean closeAfterEach)
      throws IOException {
    server =
        new ScriptedServer(
            (r, out) -> {
              if (r.path().equals("/v2/")) {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
              } else {
                blob.answer(r, out);
              }
            },
            closeAfterEach);
    ImageRef ref = ImageRef.parse("docker://127.0.0.1:" + server.port() + "/app:1");
    return RegistryClient.connect(
        ref,
        RegistryOptions.defaults()
            .withTlsVerify(false)
            .withRetries(2, Duration.ofMillis(10))
            .withMinTransferRate(1000, Duration.ofSeconds(1)));
  }

  /**
   * Writes {@code head}, then {@code drip} one byte every 50 ms for at most 60 s (a test must end
   * before).
   */
  private static ScriptedServer.Writer dripping(String head, String drip) {
    return (r, out) -> {
      out.write(ascii(head));
      out.flush();
      long end = System.nanoTime() + 60_000_000_000L;
      for (int i = 0; System.nanoTime() < end; i++) {
        out.write(drip.charAt(i % drip.length()));
        out.flush();
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    };
  }

  private static final String CUT =
      "the registry sent less than 1000 bytes/s over 1 s"
          + " (--min-transfer-rate, --transfer-window)";

  /**
   * Reads the blob through a dripping server: it fails, naming the limit (no timed assertion: the
   * message says which bound cut it).
   */
  private void cutWithin(ScriptedServer.Writer w) throws IOException {
    try (RegistryClient c = registry(w, true)) {
      String m = blobError(c);
      assertTrue(
          m.startsWith(
              "registry 127.0.0.1:"
                  + server.port()
                  + ", repository app: download blob "
                  + DIGEST
                  + ": "),
          m);
      assertTrue(m.contains(CUT), m);
    }
  }

  @Test
  void aBodyDrippingBelowTheRateIsCut() throws IOException {
    cutWithin(dripping("HTTP/1.1 200 OK\r\nContent-Length: " + BLOB.length + "\r\n\r\n", "x"));
  }

  @Test
  void headersDrippingBelowTheRateAreCut() throws IOException {
    cutWithin(dripping("HTTP/1.1 200 OK\r\nX-Slow: ", "abc"));
  }

  @Test
  void endlessInterimResponsesAreCut() throws IOException {
    cutWithin(dripping("", "HTTP/1.1 100 Continue\r\n\r\n"));
  }

  private String blobError(RegistryClient c) {
    return assertThrows(
            ImageException.class,
            () -> {
              try (InputStream in = c.openBlob("app", DIGEST, BLOB.length)) {
                in.readAllBytes();
              }
            })
        .getMessage();
  }

  @Test
  void aBlobOfItsDescriptorsSizeIsRead() throws IOException {
    try (RegistryClient c =
            registry(
                req ->
                    concat(
                        ascii("HTTP/1.1 200 OK\r\nContent-Length: " + BLOB.length + "\r\n\r\n"),
                        BLOB),
                false);
        InputStream in = c.openBlob("app", DIGEST, BLOB.length)) {
      assertArrayEquals(BLOB, in.readAllBytes());
    }
  }

  @Test
  void aLongerContentLengthIsRefusedBeforeAnyByte() throws IOException {
    try (RegistryClient c =
        registry(
            req -> concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: 692000000\r\n\r\n"), BLOB),
            false)) {
      assertEquals(
          "registry 127.0.0.1:"
              + server.port()
              + ", repository app: download blob "
              + DIGEST
              + ": the registry sends more than the descriptor's "
              + BLOB.length
              + " bytes",
          blobError(c));
    }
  }

  @Test
  void bytesAfterTheDescriptorsSizeAreAnErrorNamingTheBlob() throws IOException {
    // No length: the body runs until the connection ends, 8 MiB past the descriptor's size.
    try (RegistryClient c =
        registry(
            req ->
                concat(
                    ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), BLOB, new byte[8 << 20]),
            true)) {
      String m = blobError(c);
      assertEquals(
          "registry 127.0.0.1:"
              + server.port()
              + ", repository app: download blob "
              + DIGEST
              + ": the registry sends more than the descriptor's "
              + BLOB.length
              + " bytes",
          m);
    }
  }

  @Test
  void aRefusalIsATypedExceptionWithStatusCodesAndOneCleanLine() throws IOException {
    String body =
        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"no\\u001b[31m such\\nmanifest\"}]}";
    try (RegistryClient c =
        registry(
            req ->
                ascii(
                    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                        + "Content-Length: "
                        + body.length()
                        + "\r\n\r\n"
                        + body),
            false)) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest("app", "1"));
      assertEquals(404, e.status());
      assertEquals(java.util.List.of("MANIFEST_UNKNOWN"), e.errorCodes());
      assertEquals("app", e.repository());
      assertEquals("get manifest 1", e.step());
      assertEquals(
          "registry 127.0.0.1:"
              + server.port()
              + ", repository app: get manifest 1: HTTP 404"
              + " (MANIFEST_UNKNOWN: no?[31m such manifest)",
          e.getMessage());
    }
  }

  @Test
  void aMalformedLocationIsOneLineNamingTheStep() throws IOException {
    try (RegistryClient c =
        registry(
            req ->
                ascii(
                    "HTTP/1.1 202 Accepted\r\nLocation: http://bad host/\u0007x\r\n"
                        + "Content-Length: 0\r\n\r\n"),
            false)) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> c.startUpload("app", null, new dev.ocisquash.TempFiles()));
      assertEquals(-1, e.status());
      assertEquals(
          "registry 127.0.0.1:"
              + server.port()
              + ", repository app: start blob upload: Location"
              + " 'http://bad host/?x' is not a URL",
          e.getMessage());
    }
  }

  @Test
  void aContentTypeOfOnlyParametersIsReadLikeNoneAndTheDocumentSaysItsType() throws IOException {
    // ";" split on ";" without a limit is an empty array: this once threw
    // ArrayIndexOutOfBoundsException instead of falling back to the document's mediaType.
    String body =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[]}";
    try (RegistryClient c =
        registry(
            req ->
                ascii(
                    "HTTP/1.1 200 OK\r\nContent-Type: ;\r\n"
                        + "Content-Length: "
                        + body.length()
                        + "\r\n\r\n"
                        + body),
            false)) {
      RegistryClient.Manifest m = c.manifest("app", "1");
      assertEquals("application/vnd.oci.image.index.v1+json", m.mediaType());
      assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), m.bytes());
    }
  }
}
