package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a registry on 127.0.0.1 that misbehaves after a well-formed manifest: a config
 * blob that never ends, or one dripped a byte at a time. Each run ends within its bounds with one
 * line naming the registry, the repository, the step and the blob, exit 1, and leaves no output
 * file.
 */
class HostileRegistryCliTest {
  private static final String CONFIG = "sha256:" + "c".repeat(64);
  private static final int CONFIG_SIZE = 393;
  private static final String LAYER = "sha256:" + "d".repeat(64);
  @TempDir Path dir;
  private ScriptedServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /**
   * A registry whose manifest is well-formed and whose config blob is answered by {@code config}.
   */
  private String start(ScriptedServer.Writer config) throws IOException {
    server =
        new ScriptedServer(
            (r, out) -> {
              String path = r.path();
              if (path.equals("/v2/")) {
                out.write(ok("application/json", "{}"));
              } else if (path.startsWith("/v2/app/manifests/")) {
                out.write(
                    ok(
                        "application/vnd.oci.image.manifest.v1+json",
                        "{\"schemaVersion\":2,"
                            + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                            + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                            + CONFIG
                            + "\",\"size\":"
                            + CONFIG_SIZE
                            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                            + LAYER
                            + "\",\"size\":100}]}"));
              } else if (path.equals("/v2/app/blobs/" + CONFIG)) {
                config.answer(r, out);
              } else {
                out.write(
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
              }
            },
            false);
    return "docker://127.0.0.1:" + server.port() + "/app:1";
  }

  private static byte[] ok(String type, String body) {
    return ("HTTP/1.1 200 OK\r\nContent-Type: "
            + type
            + "\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private Run squash(String ref, String... more) throws IOException {
    String[] args =
        Stream.concat(
                Stream.of(
                    "squash",
                    ref,
                    "-o",
                    dir.resolve("out.tar").toString(),
                    "--tls-verify=false",
                    "--retries",
                    "1"),
                Stream.of(more))
            .toArray(String[]::new);
    return CliTest.cli(args);
  }

  private void oneLineAndNothingLeft(Run r, String port, String detail) throws IOException {
    assertEquals(8, r.exit, r.out);
    String line = r.err.strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(
        line.startsWith(
            "ocisquash: error: registry 127.0.0.1:"
                + port
                + ", repository app: download blob "
                + CONFIG
                + ": "),
        line);
    assertTrue(line.contains(detail), line);
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "nothing written");
    }
  }

  @Test
  void aConfigBlobThatNeverEndsIsCutAtItsDescriptorsSize() throws Exception {
    String ref =
        start(
            (req, out) -> {
              out.write(
                  "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.ISO_8859_1));
              byte[] chunk = new byte[1 << 20];
              for (int i = 0; i < 4096; i++) { // 4 GiB at most: the client must stop long before
                out.write(chunk);
              }
            });
    Run r = squash(ref);
    oneLineAndNothingLeft(
        r,
        ref.split("[:/]", -1)[4],
        "the registry sends more than the descriptor's " + CONFIG_SIZE + " bytes");
  }

  @Test
  void aConfigBlobDrippedBelowTheRateIsCut() throws Exception {
    String ref =
        start(
            (req, out) -> {
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + CONFIG_SIZE + "\r\n\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));
              for (int i = 0; i < CONFIG_SIZE; i++) {
                out.write('{');
                out.flush();
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    Run r = squash(ref, "--min-transfer-rate", "1000", "--transfer-window", "1");
    oneLineAndNothingLeft(
        r, ref.split("[:/]", -1)[4], "the registry sent less than 1000 bytes/s over 1 s");
  }
}
