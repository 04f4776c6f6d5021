package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryException;
import dev.ocisquash.registry.RegistryOptions;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.SquashPoint;
import dev.ocisquash.squash.Squasher;
import dev.ocisquash.testing.RawTar;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@link ImageException.Kind} from a real failure through the public API ({@link Squasher},
 * {@link Analyzer}), with the message it has always had. {@link Kind#INTERNAL} has no test: it
 * marks states the code's own checks say cannot happen.
 */
class ErrorKindsTest {
  @TempDir Path dir;

  private Path lowerBlob;

  /** A two-layer uncompressed OCI layout; returns the path of the top layer's blob. */
  private Path layout(String layerMediaType) throws Exception {
    return layout(layerMediaType, Integer.MAX_VALUE);
  }

  /**
   * The same, with the top layer cut to {@code keep} bytes before it is stored (its digests are the
   * cut bytes').
   */
  private Path layout(String layerMediaType, int keep) throws Exception {
    LayoutDir l = new LayoutDir(dir.resolve("in"));
    Map<String, String> lower = new TreeMap<>(Map.of("a.txt", "lower layer content\n"));
    Map<String, String> upper =
        new TreeMap<>(Map.of("b.txt", "upper layer content, long enough to damage\n"));
    byte[] lowerTar = RawTar.files(lower);
    byte[] upperTar = RawTar.files(upper);
    upperTar = java.util.Arrays.copyOf(upperTar, Math.min(keep, upperTar.length));
    ObjectNode d0 = l.blob(MediaTypes.OCI_LAYER, lowerTar);
    ObjectNode d1 = l.blob(layerMediaType, upperTar);
    ObjectNode config = Json.object();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(d0.get("digest").asText()).add(d1.get("digest").asText());
    ObjectNode cfg = l.blob(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
    l.list(l.manifest(cfg, d0, d1), "t");
    l.write();
    lowerBlob = l.dir.resolve("blobs/sha256/" + d0.get("digest").asText().substring(7));
    return l.dir.resolve("blobs/sha256/" + d1.get("digest").asText().substring(7));
  }

  private ImageException squashFails(SquashOptions.Builder b) {
    return assertThrows(ImageException.class, () -> Squasher.squash(b.build()));
  }

  private SquashOptions.Builder squash() {
    return SquashOptions.builder(dir.resolve("in"), dir.resolve("out.tar"));
  }

  @Test
  void aLayerWhoseBytesChangedIsCorruptInput() throws Exception {
    Path blob = layout(MediaTypes.OCI_LAYER);
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(520); // inside b.txt's content: the tar still parses, the digest no longer matches
      f.write('X');
    }
    ImageException e = squashFails(squash());
    assertEquals(Kind.CORRUPT_INPUT, e.kind());
    String declared = "sha256:" + blob.getFileName();
    assertEquals(
        dir.resolve("in")
            + ": "
            + label(1, blob)
            + ": blob digest mismatch: manifest says "
            + declared
            + ", content is "
            + Fixtures.sha256(blob),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("out.tar")));
  }

  @Test
  void aTruncatedLayerIsCorruptInput() throws Exception {
    Path blob = layout(MediaTypes.OCI_LAYER);
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.setLength(700); // the header of b.txt and part of its content
    }
    ImageException e = squashFails(squash());
    assertEquals(Kind.CORRUPT_INPUT, e.kind());
    assertEquals(
        dir.resolve("in")
            + ": "
            + label(1, blob)
            + ": blob size mismatch: manifest says 2048 bytes, blob is"
            + " 700 bytes",
        e.getMessage());
  }

  @Test
  void aLayerCutBeforeItWasStoredIsCorruptInput() throws Exception {
    Path blob =
        layout(MediaTypes.OCI_LAYER, 520); // digests and size match: the tar reader finds the cut
    ImageException e = squashFails(squash());
    assertEquals(Kind.CORRUPT_INPUT, e.kind());
    assertEquals(
        dir.resolve("in")
            + ": "
            + label(1, blob)
            + ": entry 'b.txt': truncated tar stream (entry content ends"
            + " early)",
        e.getMessage());
  }

  @Test
  void anEntryLimitIsLimitExceeded() throws Exception {
    layout(MediaTypes.OCI_LAYER);
    ImageException e = squashFails(squash().limits(Limits.defaults().withMaxEntries(1)));
    assertEquals(Kind.LIMIT_EXCEEDED, e.kind());
    assertEquals(
        dir.resolve("in")
            + ": "
            + label(0, lowerBlob)
            + ": entry 'a.txt': more than 1 entries in the image"
            + " (limit; raise it with --max-entries)",
        e.getMessage());
  }

  @Test
  void aLayerThatIsNotAFilesystemIsUnsupportedInput() throws Exception {
    layout("application/vnd.wasm.content.layer.v1+wasm");
    ImageException e = squashFails(squash());
    assertEquals(Kind.UNSUPPORTED_INPUT, e.kind());
    assertTrue(
        e.getMessage().startsWith(dir.resolve("in") + ": holds no image, only artifacts: ref=t"),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                ": a WASM module (layer media type application/vnd.wasm.content.layer.v1+wasm"
                    + " is not a filesystem layer)"),
        e.getMessage());
  }

  @Test
  void aSquashPointBeyondTheImageIsAnInvalidArgument() throws Exception {
    layout(MediaTypes.OCI_LAYER);
    ImageException e = squashFails(squash().squashPoint(SquashPoint.fromIndex(5)));
    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        dir.resolve("in") + ": --from 5 is out of range: the image has 2 layers (0..1)",
        e.getMessage());
    ImageException a =
        assertThrows(
            ImageException.class,
            () -> Analyzer.analyze(dir.resolve("in"), AnalyzeOptions.builder().from(2).build()));
    assertEquals(Kind.INVALID_ARGUMENT, a.kind());
  }

  @Test
  void anOutputInAMissingDirectoryIsOutputFailed() throws Exception {
    layout(MediaTypes.OCI_LAYER);
    Path out = dir.resolve("no-such-dir/out.tar");
    ImageException e = squashFails(SquashOptions.builder(dir.resolve("in"), out));
    assertEquals(Kind.OUTPUT_FAILED, e.kind());
    assertEquals(
        out + ": cannot write: directory " + out.getParent() + " does not exist", e.getMessage());
  }

  @Test
  void anInterruptedThreadGetsInterrupted() throws Exception {
    layout(MediaTypes.OCI_LAYER);
    Thread.currentThread().interrupt();
    ImageException e;
    try {
      e = squashFails(squash());
    } finally {
      Thread.interrupted(); // the test thread goes back to JUnit without the flag
    }
    assertEquals(Kind.INTERRUPTED, e.kind(), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out.tar")));
    try (var s = Files.list(dir)) {
      assertEquals(
          java.util.List.of(dir.resolve("in")), s.toList(), "nothing left beside the output");
    }
  }

  @Test
  void aRegistryThatAnswersWithAnErrorIsRegistry() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          byte[] body =
              "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"
                  .getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(
              x.getRequestURI().getPath().equals("/v2/") ? 200 : 404, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    try {
      String ref = "docker://127.0.0.1:" + server.getAddress().getPort() + "/app:1";
      ImageException e =
          squashFails(
              SquashOptions.builder(ref, dir.resolve("out.tar").toString())
                  .registry(
                      RegistryOptions.defaults()
                          .withTlsVerify(false)
                          .withRetries(1, Duration.ofMillis(1))));
      assertEquals(Kind.REGISTRY, e.kind(), e.getMessage());
      RegistryException r = assertInstanceOf(RegistryException.class, e);
      assertEquals(404, r.status());
      assertEquals(java.util.List.of("MANIFEST_UNKNOWN"), r.errorCodes());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aRegistryRefWithNeitherTagNorDigestIsInvalidArgumentBeforeAnyRequest() throws Exception {
    // An ImageRef made for a push by digest has no reference to pull: it used to fetch the tag
    // "null" (GET /v2/app/manifests/null).
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          asked.add(x.getRequestURI().getPath());
          x.sendResponseHeaders(x.getRequestURI().getPath().equals("/v2/") ? 200 : 404, -1);
          x.close();
        });
    server.start();
    try {
      String registry = "127.0.0.1:" + server.getAddress().getPort();
      ImageRef ref = new ImageRef(registry, "app", null, null);
      RegistryOptions options =
          RegistryOptions.defaults().withTlsVerify(false).withRetries(1, Duration.ofMillis(1));
      ImageException open =
          assertThrows(
              ImageException.class, () -> ImageArchives.open(ref, ImageSelector.any(), options));
      assertEquals(Kind.INVALID_ARGUMENT, open.kind(), open.getMessage());
      assertEquals(
          "docker://" + registry + "/app: names neither a tag nor a digest to pull",
          open.getMessage());
      ImageException list =
          assertThrows(ImageException.class, () -> ImageArchives.indexImages(ref, options));
      assertEquals(Kind.INVALID_ARGUMENT, list.kind(), list.getMessage());
      assertEquals(java.util.List.of(), asked);
    } finally {
      server.stop(0);
    }
  }

  /** How messages name a layer: its index and the first 12 hex digits of its blob digest. */
  private static String label(int index, Path blob) {
    return "layer " + index + " (sha256:" + blob.getFileName().toString().substring(0, 12) + ")";
  }
}
