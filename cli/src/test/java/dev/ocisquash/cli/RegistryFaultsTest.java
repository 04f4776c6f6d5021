package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults between ocisquash and a registry on 127.0.0.1: a proxy in the middle drops a
 * connection halfway through a blob, in each direction. A squash resumes and succeeds against
 * docker-registry's real range and upload handling; when the faults do not stop, it fails with one
 * line naming the registry, the repository and the step, and tags nothing. Retries on 5xx and 429,
 * stall cuts and resuming from the registry's Range are unit tests in core
 * (dev.ocisquash.registry.RegistryRetryTest, RegistryResumeTest).
 */
@Tag("integration") // docker-registry, skopeo, root
class RegistryFaultsTest {
  @TempDir static Path work;
  static LocalRegistry reg;
  static String bigLayer;

  @BeforeAll
  static void start() throws Exception {
    reg = LocalRegistry.plain(work.resolve("registry"));
    reg.pushSample();
    bigLayer =
        reg.rawManifest(reg.ref("src/busybox:1")).path("layers").get(0).path("digest").asText();
  }

  @AfterAll
  static void stop() {
    if (reg != null) {
      reg.close();
    }
  }

  static String via(FaultProxy p, String repoTag) {
    return "docker://127.0.0.1:" + p.port() + "/" + repoTag;
  }

  static Run squash(String... args) {
    String[] a = new String[args.length + 3];
    a[0] = "squash";
    System.arraycopy(args, 0, a, 1, args.length);
    a[args.length + 1] = "--tls-verify=false";
    a[args.length + 2] = "--debug";
    return CliTest.cli(a);
  }

  @Test
  void aDownloadCutHalfwayResumesWhereItStopped() throws Exception {
    int mark = reg.requests().size();
    try (FaultProxy p =
        new FaultProxy(
            reg.port,
            "GET /v2/src/busybox/blobs/" + bigLayer,
            FaultProxy.Direction.DOWNLOAD,
            400_000)) {
      Run r = squash(via(p, "src/busybox:1"), "-o", via(p, "dl/busybox:sq"));
      assertEquals(0, r.exit, r.err);
      assertEquals(1, p.cuts.get());
    }
    // The rest came with a range request (a 206 with the rest of the blob), not from the start
    // again; the only
    // 206: the compression is read from the download itself, not sniffed with a range request of
    // its own.
    assertEquals(
        1, reg.count(mark, "GET /v2/src/busybox/blobs/" + bigLayer + " HTTP/1.1\" 206 [0-9]{3,}"));
    assertEquals(1, reg.count(mark, "GET /v2/src/busybox/blobs/" + bigLayer + " HTTP/1.1\" 206 "));
    reg.sameTree(reg.ref("src/busybox:1"), reg.ref("dl/busybox:sq"));
  }

  @Test
  void anUploadCutHalfwayStartsTheUploadAgainFromTheKeptCopy() throws Exception {
    try (FaultProxy p =
        new FaultProxy(
            reg.port,
            "PATCH /v2/ul/busybox/blobs/uploads/",
            FaultProxy.Direction.UPLOAD,
            300_000)) {
      Run r = squash(via(p, "src/busybox:1"), "-o", via(p, "ul/busybox:sq"));
      assertEquals(0, r.exit, r.err);
      assertEquals(1, p.cuts.get());
    }
    reg.sameTree(reg.ref("src/busybox:1"), reg.ref("ul/busybox:sq"));
  }

  @Test
  void faultsThatDoNotStopFailCleanlyWithNothingTagged() throws Exception {
    try (FaultProxy p =
        new FaultProxy(
            reg.port,
            "PATCH /v2/broken/busybox/blobs/uploads/",
            FaultProxy.Direction.UPLOAD,
            100_000,
            true)) {
      Run r = squash(via(p, "src/busybox:1"), "-o", via(p, "broken/busybox:sq"), "--retries", "2");
      assertEquals(8, r.exit, r.out);
      // --debug notes (which proxy each host's requests take) come before the error line
      String first =
          r.err.lines().filter(l -> !l.startsWith("ocisquash: debug: ")).findFirst().orElse("");
      assertTrue(
          first.startsWith(
              "ocisquash: error: registry 127.0.0.1:"
                  + p.port()
                  + ", repository broken/busybox: upload blob"),
          r.err);
      assertTrue(p.cuts.get() >= 2, "cuts: " + p.cuts.get());
    }
    assertEquals(404, reg.http("GET", "/v2/broken/busybox/manifests/sq", null, null).statusCode());
  }
}
