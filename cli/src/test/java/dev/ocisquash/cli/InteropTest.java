package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correctness check that does not trust our own code: images built with umoci from real
 * filesystem changes are exported with skopeo, squashed by ocisquash, and then both the original
 * and the squashed image are unpacked by {@code umoci unpack} and compared entry by entry (type,
 * mode, owner, size, content hash, link target, xattrs, device numbers, hardlink groups) by
 * testdata/tools/compare-squash.sh.
 */
@Tag("integration") // umoci, skopeo, buildah, podman, root
class InteropTest {
  static final String[] CASES = {
    "opaque",
    "dir-recreated",
    "type-changes",
    "recreate",
    "hardlinks",
    "links-across",
    "nested-delete",
    "based",
    "buildah",
    "xattr",
    "names",
    "special",
    "whiteout-under-nondir",
    "sparse"
  };

  @TempDir static Path work;
  static Path fixtures;

  @BeforeAll
  static void buildFixtures() throws Exception {
    fixtures = work.resolve("fixtures");
    Proc.of(
            "bash",
            TestData.dir().resolve("fixtures/build-fixtures.sh").toString(),
            fixtures.toString())
        .timeout(1800)
        .check();
  }

  /** Every case, from every input kind, to every output format. */
  @TestFactory
  Stream<DynamicTest> squashedImagesUnpackToTheSameTree() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String c : CASES) {
      String[][] inputs = {
        {"docker-archive", fixtures.resolve(c + ".docker.tar").toString()},
        {"oci-archive", fixtures.resolve(c + ".oci.tar").toString()},
      };
      for (String[] in : inputs) {
        for (String fmt : new String[] {"docker", "oci", "oci-dir"}) {
          tests.add(
              DynamicTest.dynamicTest(
                  c + " " + in[0] + " -> " + fmt, () -> squashAndCompare(c, in[0], in[1], fmt)));
        }
      }
    }
    return tests.stream();
  }

  /**
   * Squashes from several points (layers below are kept) and checks the same tree comes out, and
   * that skopeo sees the kept layers with their original digests.
   */
  @TestFactory
  Stream<DynamicTest> partialSquashesUnpackToTheSameTree() {
    String[][] cases = {
      {"links-across", "1", "2", "3", "4", "5"},
      {"nested-delete", "1", "2"},
      {"opaque", "1", "2"},
      {"recreate", "1", "2"},
      {"dir-recreated", "1"},
      {"type-changes", "1"},
      {"hardlinks", "1", "2"},
      {"based", "1", "2"},
      {"buildah", "1", "2"},
    };
    List<DynamicTest> tests = new ArrayList<>();
    for (String[] c : cases) {
      for (int i = 1; i < c.length; i++) {
        String from = c[i];
        for (String fmt : new String[] {"docker", "oci"}) {
          String in = fixtures.resolve(c[0] + ".oci.tar").toString();
          tests.add(
              DynamicTest.dynamicTest(
                  c[0] + " --from " + from + " -> " + fmt,
                  () -> {
                    Path out =
                        squashAndCompare(
                            c[0], "oci-archive", in, fmt, "--from", from, "--allow-noop");
                    assertKeptLayersIdentical(
                        "oci-archive:" + in, fmt, out, Integer.parseInt(from));
                  }));
        }
      }
    }
    for (String fmt : new String[] {"docker", "oci"}) {
      tests.add(
          DynamicTest.dynamicTest(
              "based --keep-base -> " + fmt,
              () -> {
                String in = fixtures.resolve("based.oci.tar").toString();
                Path out = squashAndCompare("based", "oci-archive", in, fmt, "--keep-base");
                assertKeptLayersIdentical("oci-archive:" + in, fmt, out, 2);
              }));
    }
    return tests.stream();
  }

  /**
   * The default gzip encoder (libdeflate) writes a layer as one gzip member per MiB of tar. umoci
   * (unpack) and skopeo (copy, which verifies every digest) must read such a layer whole, and
   * podman must load it; the tree comparison would notice a reader that stops after the first
   * member.
   */
  @Test
  void multiMemberGzipLayersAreReadWholeByUmociSkopeoAndPodman() throws Exception {
    Path w = work.resolve("multi-member");
    Files.createDirectories(w);
    String script =
        "set -e; cd "
            + w
            + "; umoci init --layout big; umoci new --image big:big;"
            + " umoci unpack --image big:big bundle; mkdir bundle/rootfs/data; echo one > bundle/rootfs/data/one;"
            + " umoci repack --refresh-bundle --image big:big bundle;"
            + " python3 -c \"import random; r = random.Random(7);"
            + " open('bundle/rootfs/data/text', 'w').write(''.join('line %d %s\\\\n' % (i, r.random())"
            + " for i in range(120000)));"
            + " open('bundle/rootfs/data/random', 'wb').write(r.randbytes(2 << 20))\";"
            + " umoci repack --image big:big bundle; skopeo copy -q oci:big:big oci-archive:big.oci.tar";
    Proc.of("bash", "-c", script).timeout(300).check();
    String in = w.resolve("big.oci.tar").toString();
    for (String fmt : new String[] {"oci-dir", "oci", "docker"}) {
      Path out = squashAndCompare("multi-member", "oci-archive", in, fmt, "--compression", "gzip");
      if (fmt.equals("oci-dir")) {
        Path layer;
        try (Stream<Path> blobs = Files.list(out.resolve("blobs/sha256"))) {
          layer =
              blobs.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        int members = gzipMembers(Files.readAllBytes(layer));
        assertTrue(members >= 4, "the squashed layer has " + members + " gzip members");
      }
    }
  }

  /**
   * Counts the members of a gzip file (each inflated to its end, then the 8-byte trailer skipped).
   */
  static int gzipMembers(byte[] gz) throws Exception {
    int pos = 0;
    int n = 0;
    while (pos < gz.length) {
      assertEquals(0x1f, gz[pos] & 0xff, "member header at " + pos);
      java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
      try {
        inf.setInput(gz, pos + 10, gz.length - pos - 10);
        byte[] buf = new byte[1 << 16];
        while (!inf.finished()) {
          if (inf.inflate(buf) == 0 && inf.needsInput()) {
            throw new AssertionError("truncated member at " + pos);
          }
        }
        pos = gz.length - inf.getRemaining() + 8;
        n++;
      } finally {
        inf.end();
      }
    }
    return n;
  }

  /**
   * Our docker output uses the Docker 25+ layout (manifest.json beside index.json, oci-layout and
   * blobs/sha256, here with gzip and zstd blobs as the containerd store writes them). Reading it
   * back and squashing again must still give the original tree.
   */
  @Test
  void docker25StyleArchivesAreReadBack() throws Exception {
    String in = fixtures.resolve("hardlinks.oci.tar").toString();
    for (String compression : new String[] {"gzip", "zstd"}) {
      Path first = work.resolve("d25-" + compression + ".tar");
      assertEquals(
          0,
          runCli(
              "squash",
              in,
              "-o",
              first.toString(),
              "--format",
              "docker",
              "--compression",
              compression,
              "-q"));
      String gz = work.resolve("d25-" + compression + ".tar.gz").toString();
      Proc.of("sh", "-c", "gzip -c " + first + " > " + gz).timeout(120).check();
      Path second = work.resolve("d25-" + compression + "-again.tar");
      assertEquals(
          0,
          runCli("squash", gz, "-o", second.toString(), "--format", "oci", "--allow-noop", "-q"));
      Proc.of(
              "bash",
              TestData.dir().resolve("tools/compare-squash.sh").toString(),
              "oci-archive:" + in,
              "oci-archive:" + second)
          .timeout(600)
          .check();
    }
  }

  /** Stripping a path that lives in a kept base layer writes a whiteout for it in the new layer. */
  @Test
  void strippingAKeptLayerPathWhitesItOut() throws Exception {
    Path sample = TestData.sample();
    Path out = work.resolve("sample-strip-kept.tar");
    Path json = work.resolve("sample-strip-kept.json");
    assertEquals(
        0,
        runCli(
            "squash",
            sample.toString(),
            "-o",
            out.toString(),
            "--from",
            "1",
            "--allow-noop",
            "--remove",
            "/etc/group",
            "--preset",
            "safe",
            "--report-json",
            json.toString()));
    Path allow = allowListFromReport(json);
    assertTrue(Files.readAllLines(allow).contains("/etc/group"));
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            "docker-archive:" + sample,
            "docker-archive:" + out,
            allow.toString())
        .timeout(600)
        .check();
    assertKeptLayersIdentical("docker-archive:" + sample, "docker", out, 1);
  }

  /**
   * Checks with skopeo that the first {@code keep} layers are the input's, byte for byte. skopeo
   * names the layers of a docker-archive by diff_id, so for that format the diff_ids are compared
   * and the output tar must also hold each kept input blob under its own digest.
   */
  static void assertKeptLayersIdentical(String inRef, String fmt, Path out, int keep)
      throws Exception {
    List<String> before = layerDigests(inRef);
    List<String> after = layerDigests(ref(fmt, out));
    assertEquals(keep + 1, after.size(), "kept layers + 1 squashed");
    if (!fmt.equals("docker")) {
      assertEquals(
          before.subList(0, keep), after.subList(0, keep), "kept layers must be identical");
      return;
    }
    assertEquals(diffIds(inRef).subList(0, keep), diffIds(ref(fmt, out)).subList(0, keep));
    if (inRef.startsWith("oci-archive:")) {
      String listing = Proc.of("tar", "-tf", out.toString()).timeout(120).check();
      for (String d : before.subList(0, keep)) {
        assertTrue(
            listing.contains("blobs/sha256/" + d.substring("sha256:".length())),
            "blob " + d + " kept");
      }
    }
  }

  static List<String> diffIds(String ref) throws Exception {
    String json = Proc.of("skopeo", "inspect", "--config", ref).timeout(120).check();
    List<String> out = new ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(json)
        .path("rootfs")
        .path("diff_ids")
        .forEach(d -> out.add(d.asText()));
    return out;
  }

  /** The paths a strip report says it removed, one per line, for compare-squash's allow list. */
  static Path allowListFromReport(Path json) throws Exception {
    com.fasterxml.jackson.databind.JsonNode report =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    List<String> removed = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode d : report.path("decisions")) {
      if (d.path("action").asText().equals("removed")) {
        removed.add(d.path("path").asText());
      }
    }
    Path allow = Files.createTempFile(json.getParent(), "allow", ".txt");
    Files.write(allow, removed);
    return allow;
  }

  static List<String> layerDigests(String ref) throws Exception {
    String json = Proc.of("skopeo", "inspect", ref).timeout(120).check();
    com.fasterxml.jackson.databind.JsonNode n =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    List<String> out = new ArrayList<>();
    n.path("Layers").forEach(l -> out.add(l.asText()));
    return out;
  }

  static String ref(String fmt, Path out) {
    return fmt.equals("docker")
        ? "docker-archive:" + out
        : fmt.equals("oci") ? "oci-archive:" + out : "oci:" + out;
  }

  static Path squashAndCompare(String c, String inKind, String in, String fmt, String... extra)
      throws Exception {
    Path out =
        work.resolve(
            c
                + "-"
                + inKind
                + "-"
                + fmt
                + String.join("", extra).replace("-", "")
                + (fmt.equals("oci-dir") ? "" : ".tar"));
    List<String> args =
        new ArrayList<>(List.of("squash", in, "-o", out.toString(), "--format", fmt));
    args.addAll(List.of(extra));
    int rc = runCli(args.toArray(new String[0]));
    assertEquals(0, rc, "ocisquash squash failed");
    String squashedRef = ref(fmt, out);
    String originalRef = inKind + ":" + in;
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            originalRef,
            squashedRef)
        .timeout(600)
        .check();
    String inspect = Proc.of("skopeo", "inspect", squashedRef).timeout(120).check();
    assertTrue(inspect.contains("\"Layers\""), inspect);
    if (!fmt.equals("oci-dir")
        && !c.equals("sparse")) { // sparse: 1 GiB unpacked by vfs proves nothing more
      podmanLoad(out, fmt);
    }
    return out;
  }

  /**
   * podman load of every archive (docker load of Docker-built images is DockerInteropTest's): vfs
   * storage in a throwaway root. podman wants a runroot shorter than 50 characters, so it lives
   * directly under /tmp.
   */
  static void podmanLoad(Path archive, String fmt) throws Exception {
    Path root = Files.createTempDirectory(Path.of("/tmp"), "ocsq-pm");
    try {
      String out =
          Proc.of(
                  "podman",
                  "--root",
                  root.resolve("r").toString(),
                  "--runroot",
                  root.resolve("s").toString(),
                  "--storage-driver",
                  "vfs",
                  "load",
                  "-i",
                  archive.toString())
              .timeout(300)
              .check();
      assertTrue(out.contains("Loaded image"), out);
    } finally {
      Proc.of(List.of("rm", "-rf", root.toString())).timeout(120).run();
    }
  }

  static int runCli(String... args) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setOut(oldOut);
    }
  }
}
