package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry in, registry out, against Debian's docker-registry (distribution 2.8) on 127.0.0.1,
 * plain HTTP. Images are pushed with skopeo; results are checked with skopeo inspect and, through
 * testdata/tools/compare-squash.sh, by umoci unpack against the original; the registry's access log
 * shows what was uploaded.
 */
@Tag("integration") // docker-registry, skopeo, root
class RegistryTest {
  @TempDir static Path work;
  static LocalRegistry reg;
  static Path fixtures;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    reg = LocalRegistry.plain(work.resolve("registry"));
    fixtures = work.resolve("fixtures");
    Proc.of(
            "bash",
            TestData.dir().resolve("fixtures/build-fixtures.sh").toString(),
            fixtures.toString(),
            "hardlinks",
            "based",
            "opaque",
            "dir-recreated",
            "type-changes",
            "nested-delete",
            "links-across",
            "whiteout-under-nondir")
        .timeout(600)
        .check();
    reg.pushSample();
  }

  @AfterAll
  static void stop() {
    if (reg != null) {
      reg.close();
    }
  }

  static Path sample() {
    return TestData.sample();
  }

  static JsonNode rawManifest(String ref) throws Exception {
    return reg.rawManifest(ref);
  }

  static Run squash(String... args) {
    List<String> a = new ArrayList<>(List.of("squash"));
    a.addAll(List.of(args));
    a.add("--tls-verify=false");
    return CliTest.cli(a.toArray(new String[0]));
  }

  @Test
  void keptLayersAreMountedNotUploadedAndTheTreeIsTheOriginals() throws Exception {
    JsonNode in = reg.rawManifest(reg.ref("src/busybox:1"));
    String kept = in.path("layers").get(0).path("digest").asText();
    int mark = reg.requests().size();
    Run r = squash(reg.ref("src/busybox:1"), "-o", reg.ref("dst/busybox:sq"), "--from", "1");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("layers   3 -> 2"), r.out);
    assertTrue(
        r.out.contains("pushed   2 blobs (")
            && r.out.contains("1 mounted from the source repository, 0 already"),
        r.out);
    JsonNode out = rawManifest(reg.ref("dst/busybox:sq"));
    assertEquals(kept, out.path("layers").get(0).path("digest").asText(), out.toString());
    // The kept layer came by a cross-repository mount (201), and only the new layer and the config
    // were sent.
    assertEquals(
        1,
        reg.count(
            mark,
            "POST /v2/dst/busybox/blobs/uploads/\\?mount="
                + kept
                + "&from=src/busybox HTTP/1.1\" 201"));
    assertEquals(
        2,
        reg.count(mark, "PUT /v2/dst/busybox/blobs/uploads/"),
        String.join("\n", reg.requests()));
    assertEquals(0, reg.count(mark, "digest=" + kept.replace(":", "(:|%3A)")));
    // The manifest went up by digest before the tag.
    List<String> puts =
        reg.requests().subList(mark, reg.requests().size()).stream()
            .filter(l -> l.contains("PUT /v2/dst/busybox/manifests/"))
            .toList();
    assertEquals(2, puts.size(), puts.toString());
    assertTrue(
        puts.get(0).contains("/manifests/sha256:") && puts.get(1).contains("/manifests/sq "),
        puts.toString());
    reg.sameTree(reg.ref("src/busybox:1"), reg.ref("dst/busybox:sq"));
    // podman pulls it into a storage of its own (vfs, so no mounts are needed).
    Path storage = work.resolve("podman");
    String pulled =
        Proc.of(
                "podman",
                "--root",
                storage.resolve("root").toString(),
                "--runroot",
                storage.resolve("run").toString(),
                "--storage-driver",
                "vfs",
                "pull",
                "--tls-verify=false",
                reg.ref("dst/busybox:sq"))
            .timeout(120)
            .check();
    String id =
        rawManifest(reg.ref("dst/busybox:sq")).path("config").path("digest").asText().substring(7);
    assertTrue(pulled.strip().endsWith(id), pulled);

    // Into the same repository again: every kept blob is there already (HEAD), nothing is mounted.
    int again = reg.requests().size();
    Run r2 = squash(reg.ref("src/busybox:1"), "-o", reg.ref("src/busybox:sq"), "--from", "1");
    assertEquals(0, r2.exit, r2.err);
    assertEquals(0, reg.count(again, "mount="));
    assertEquals(1, reg.count(again, "HEAD /v2/src/busybox/blobs/" + kept + " HTTP/1.1\" 200"));
  }

  @Test
  void umociFixturesSquashRegistryToRegistry() throws Exception {
    for (String c : List.of("hardlinks", "based")) {
      reg.skopeo("copy", "oci:" + fixtures.resolve("layout") + ":" + c, reg.ref("fx/" + c + ":1"));
      Run r = squash(reg.ref("fx/" + c + ":1"), "-o", reg.ref("fx/" + c + ":squashed"));
      assertEquals(0, r.exit, c + ": " + r.err);
      assertEquals(1, reg.rawManifest(reg.ref("fx/" + c + ":squashed")).path("layers").size());
      reg.sameTree(reg.ref("fx/" + c + ":1"), reg.ref("fx/" + c + ":squashed"));
    }
  }

  /**
   * A partial squash from a registry leaves the kept layers undownloaded: the new layer hides again
   * whatever the squashed layers hid, and umoci must unpack (kept layers + new layer) to the
   * original's tree from every squash point of every fixture. Only a hardlink into a kept layer
   * (links-across from layer 1) makes it read them all.
   */
  @Test
  void partialSquashesNeverDownloadTheKeptLayers() throws Exception {
    Set<String> readsKept = Set.of("links-across 1");
    int skipped = 0;
    for (String c :
        List.of(
            "opaque",
            "dir-recreated",
            "type-changes",
            "nested-delete",
            "links-across",
            "based",
            "hardlinks",
            "whiteout-under-nondir")) {
      reg.skopeo(
          "copy", "oci:" + fixtures.resolve("layout") + ":" + c, reg.ref("part/" + c + ":1"));
      JsonNode layers = reg.rawManifest(reg.ref("part/" + c + ":1")).path("layers");
      for (int from = 1; from < layers.size() - 1; from++) {
        String point = c + " " + from;
        int mark = reg.requests().size();
        Run r =
            squash(
                reg.ref("part/" + c + ":1"),
                "-o",
                reg.ref("part/" + c + ":from" + from),
                "--from",
                String.valueOf(from));
        assertEquals(0, r.exit, point + ": " + r.err);
        for (int k = 0; k < layers.size(); k++) {
          String digest = layers.get(k).path("digest").asText();
          long gets = reg.count(mark, "GET /v2/part/" + c + "/blobs/" + digest + " HTTP/1.1\" 200");
          // Reading them after all downloads the squashed layers again (and what a deferred
          // same-layer link needs).
          boolean read = k >= from || readsKept.contains(point);
          assertEquals(
              read,
              gets > 0,
              point
                  + ", layer "
                  + k
                  + "\n"
                  + String.join("\n", reg.requests().subList(mark, reg.requests().size())));
        }
        reg.sameTree(reg.ref("part/" + c + ":1"), reg.ref("part/" + c + ":from" + from));
        skipped += readsKept.contains(point) ? 0 : 1;
      }
    }
    assertTrue(skipped >= 12, "squash points that skipped the kept layers: " + skipped);
  }

  @Test
  void uncompressedLayersInARegistryAreSpooledNotReadInPlace() throws Exception {
    // skopeo compresses what it pushes (and reuses blobs it pushed before); ocisquash keeps the
    // sample's
    // uncompressed layers as they are below --from and writes the new one uncompressed.
    Run push =
        squash(
            sample().toString(),
            "-o",
            reg.ref("plain/busybox:1"),
            "--from",
            "1",
            "--compression",
            "none");
    assertEquals(0, push.exit, push.err);
    JsonNode in = reg.rawManifest(reg.ref("plain/busybox:1"));
    for (JsonNode l : in.path("layers")) {
      assertTrue(l.path("mediaType").asText().endsWith(".tar"), in.toString());
    }
    int mark = reg.requests().size();
    Run r = squash(reg.ref("plain/busybox:1"), "-o", reg.ref("plain/busybox:sq"));
    assertEquals(0, r.exit, r.err);
    // Per layer one GET for its compression and one to read it, plus the config: no request per
    // file.
    assertTrue(
        reg.count(mark, "GET /v2/plain/busybox/blobs/") <= 2 * 2 + 1,
        String.join("\n", reg.requests()));
    reg.sameTree(reg.ref("plain/busybox:1"), reg.ref("plain/busybox:sq"));
    reg.sameTree("docker-archive:" + sample(), reg.ref("plain/busybox:sq"));
  }

  @Test
  void aReLayeredPushSendsOnlyTheLayersTheRepositoryLacks() throws Exception {
    Path archive = work.resolve("relayered.tar");
    Run file =
        squash(
            sample().toString(),
            "-o",
            archive.toString(),
            "--format",
            "oci",
            "--compression",
            "gzip", // what a push writes
            "--max-layers",
            "4",
            "-q");
    assertEquals(0, file.exit, file.err);
    // The first push: the new layers (written several at once into files) and the config go up.
    int mark = reg.requests().size();
    Run r = squash(sample().toString(), "-o", reg.ref("relayer/busybox:1"), "--max-layers", "4");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("re-layered into 3 of at most 4 layers"), r.out);
    assertTrue(r.out.contains("pushed   4 blobs ("), r.out);
    assertEquals(
        4,
        reg.count(mark, "PUT /v2/relayer/busybox/blobs/uploads/"),
        String.join("\n", reg.requests()));
    // The same layers, byte for byte, as the archive written by the same squash.
    JsonNode pushed = rawManifest(reg.ref("relayer/busybox:1")).path("layers");
    JsonNode written = reg.rawManifest("oci-archive:" + archive).path("layers");
    assertEquals(3, pushed.size(), pushed.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(written.get(i).path("digest"), pushed.get(i).path("digest"));
      assertEquals(written.get(i).path("annotations"), pushed.get(i).path("annotations"));
    }
    reg.sameTree("docker-archive:" + sample(), reg.ref("relayer/busybox:1"));
    // Again, under another tag: the repository has every layer and the config, so nothing is sent.
    int again = reg.requests().size();
    Run r2 = squash(sample().toString(), "-o", reg.ref("relayer/busybox:2"), "--max-layers", "4");
    assertEquals(0, r2.exit, r2.err);
    assertTrue(r2.out.contains("pushed   0 blobs (") && r2.out.contains("4 already there"), r2.out);
    assertEquals(
        0,
        reg.count(again, "/v2/relayer/busybox/blobs/uploads/"),
        String.join("\n", reg.requests()));
    for (JsonNode l : pushed) {
      assertEquals(
          1,
          reg.count(
              again,
              "HEAD /v2/relayer/busybox/blobs/" + l.path("digest").asText() + " HTTP/1.1\" 200"));
    }
  }

  @Test
  void registryToFileAndFileToRegistry() throws Exception {
    Path out = work.resolve("from-registry.tar");
    // A repository of its own, so that the requests counted are this squash's alone.
    reg.skopeo("copy", "docker-archive:" + sample(), reg.ref("tofile/busybox:1"));
    JsonNode layers = reg.rawManifest(reg.ref("tofile/busybox:1")).path("layers");
    int mark = reg.requests().size();
    Run r = squash(reg.ref("tofile/busybox:1"), "-o", out.toString());
    assertEquals(0, r.exit, r.err);
    // Each layer is downloaded once, and its compression is read from that download: no request of
    // its own.
    List<String> made = reg.requests().subList(mark, reg.requests().size());
    for (JsonNode layer : layers) {
      assertEquals(
          1,
          reg.count(
              mark,
              "GET /v2/tofile/busybox/blobs/" + layer.path("digest").asText() + " HTTP/1.1\" 200"),
          String.join("\n", made));
    }
    assertEquals(0, reg.count(mark, "/v2/tofile/busybox/blobs/.*\" 206 "), String.join("\n", made));
    reg.sameTree(reg.ref("tofile/busybox:1"), "oci-archive:" + out);
    Run r2 = squash(sample().toString(), "-o", reg.ref("fromfile/busybox:1"));
    assertEquals(0, r2.exit, r2.err);
    reg.sameTree("docker-archive:" + sample(), reg.ref("fromfile/busybox:1"));
  }

  @Test
  void anIndexNeedsAPlatformOrAllPlatforms() throws Exception {
    reg.skopeo("copy", "docker-archive:" + sample(), reg.ref("multi/img:amd"));
    reg.skopeo(
        "copy", "oci:" + fixtures.resolve("layout") + ":hardlinks", reg.ref("multi/img:arm"));
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + entry("amd", "amd64")
            + ","
            + entry("arm", "arm64")
            + "]}";
    HttpResponse<String> put =
        reg.http(
            "PUT", "/v2/multi/img/manifests/1", index, "application/vnd.oci.image.index.v1+json");
    assertEquals(201, put.statusCode(), put.body());

    Run none = squash(reg.ref("multi/img:1"), "-o", reg.ref("multi/img:sq"));
    assertEquals(2, none.exit, none.out);
    assertTrue(none.err.contains("2 images match") && none.err.contains("linux/arm64"), none.err);
    assertEquals(404, reg.http("GET", "/v2/multi/img/manifests/sq", null, null).statusCode());

    Run arm =
        squash(reg.ref("multi/img:1"), "-o", reg.ref("multi/img:sq"), "--platform", "linux/arm64");
    assertEquals(0, arm.exit, arm.err);
    reg.sameTree(reg.ref("multi/img:arm"), reg.ref("multi/img:sq"));

    // --all-platforms squashes both and pushes an index listing them, with the platforms of the
    // original.
    Run all = squash(reg.ref("multi/img:1"), "-o", reg.ref("multi/img:all"), "--all-platforms");
    assertEquals(0, all.exit, all.err);
    assertTrue(all.out.contains("[linux/amd64]") && all.out.contains("[linux/arm64]"), all.out);
    JsonNode pushed = rawManifest(reg.ref("multi/img:all"));
    assertEquals(
        "application/vnd.oci.image.index.v1+json",
        pushed.path("mediaType").asText(),
        pushed.toString());
    assertEquals(2, pushed.path("manifests").size(), pushed.toString());
    for (JsonNode m : pushed.path("manifests")) {
      String arch = m.path("platform").path("architecture").asText();
      String squashed = reg.ref("multi/img@" + m.path("digest").asText());
      assertEquals(1, rawManifest(squashed).path("layers").size());
      reg.sameTree(reg.ref("multi/img:" + (arch.equals("amd64") ? "amd" : "arm")), squashed);
    }
    Run single = squash(reg.ref("multi/img:amd"), "-o", reg.ref("multi/img:x"), "--all-platforms");
    assertEquals(2, single.exit, single.out);
    assertTrue(single.err.contains("--all-platforms needs an index"), single.err);
  }

  private static String entry(String tag, String arch) throws Exception {
    HttpResponse<String> r = reg.http("GET", "/v2/multi/img/manifests/" + tag, null, null);
    byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
    String digest =
        "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    String type = r.headers().firstValue("Content-Type").orElseThrow();
    return "{\"mediaType\":\""
        + type
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + bytes.length
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\""
        + arch
        + "\"}}";
  }
}
