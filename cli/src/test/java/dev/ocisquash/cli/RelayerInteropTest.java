package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
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
 * {@code --max-layers}: the umoci-built fixtures squashed into several layers must unpack, with
 * umoci, to the same tree as the original (compare-squash.sh), with no more layers than asked,
 * accepted by skopeo and podman, the same bytes twice, and kept base layers untouched. {@code
 * --big-file 1} makes every non-empty unclaimed file a group of its own, so that the small fixtures
 * really are spread over many layers (hardlink groups, directories, devices and whiteouts across
 * layers).
 */
@Tag("integration") // umoci, skopeo, podman, root
class RelayerInteropTest {
  private static final String[] CASES = {
    "hardlinks",
    "links-across",
    "opaque",
    "based",
    "special",
    "xattr",
    "type-changes",
    "buildah",
    "nested-delete"
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

  @TestFactory
  Stream<DynamicTest> relayeredImagesUnpackToTheSameTree() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String c : CASES) {
      for (int n : new int[] {4, 32}) {
        String fmt = n == 4 ? "docker" : "oci";
        tests.add(
            DynamicTest.dynamicTest(
                c + " --max-layers " + n + " -> " + fmt,
                () -> {
                  Path in = fixtures.resolve(c + ".oci.tar");
                  Path out =
                      squash(in, c + "-" + n, fmt, "--max-layers", "" + n, "--big-file", "1");
                  compare("oci-archive:" + in, InteropTest.ref(fmt, out));
                  List<String> layers = InteropTest.layerDigests(InteropTest.ref(fmt, out));
                  assertTrue(layers.size() <= n, layers.size() + " layers for --max-layers " + n);
                  assertAnnotated(out, layers.size(), 0, n);
                  InteropTest.podmanLoad(out, fmt);
                }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> partialSquashesKeepTheBaseLayers() {
    // opaque --from 2 and dir-recreated --from 1 need their opaque markers in the lowest new layer.
    String[][] cases = {
      {"opaque", "2"},
      {"dir-recreated", "1"},
      {"links-across", "2"},
      {"nested-delete", "1"},
      {"based", "keep"}
    };
    List<DynamicTest> tests = new ArrayList<>();
    for (String[] c : cases) {
      tests.add(
          DynamicTest.dynamicTest(
              c[0] + " " + c[1] + " --max-layers 8",
              () -> {
                Path in = fixtures.resolve(c[0] + ".oci.tar");
                boolean keepBase = c[1].equals("keep");
                String[] point =
                    keepBase ? new String[] {"--keep-base"} : new String[] {"--from", c[1]};
                List<String> args = new ArrayList<>(List.of(point));
                args.addAll(List.of("--allow-noop", "--max-layers", "8", "--big-file", "1"));
                Path out = squash(in, c[0] + "-from-" + c[1], "oci", args.toArray(new String[0]));
                compare("oci-archive:" + in, "oci-archive:" + out);
                int kept = keepBase ? 2 : Integer.parseInt(c[1]);
                List<String> before = InteropTest.layerDigests("oci-archive:" + in);
                List<String> after = InteropTest.layerDigests("oci-archive:" + out);
                assertEquals(
                    before.subList(0, kept), after.subList(0, kept), "kept layers are identical");
                assertTrue(after.size() - kept <= 8 && after.size() > kept, after.toString());
                assertAnnotated(out, after.size() - kept, kept, 8);
              }));
    }
    return tests.stream();
  }

  /**
   * The same input and options give the same bytes, and a run with its own output as --prior
   * changes nothing.
   */
  @Test
  void sameInputSameBytesAndPriorKeepsThePlacement() throws Exception {
    Path in = fixtures.resolve("links-across.oci.tar");
    String[] opts = {
      "--max-layers", "6", "--big-file", "1", "--compression", "gzip", "--source-date-epoch", "1000"
    };
    Path a = squash(in, "repro-a", "docker", opts);
    Path b = squash(in, "repro-b", "docker", opts);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    List<String> withPrior = new ArrayList<>(List.of(opts));
    withPrior.addAll(List.of("--prior", a.toString()));
    Path c = squash(in, "repro-prior", "docker", withPrior.toArray(new String[0]));
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c));
    compare("oci-archive:" + in, "docker-archive:" + c);
  }

  private static Path squash(Path in, String name, String fmt, String... extra) {
    Path out = work.resolve(name + ".tar");
    List<String> args =
        new ArrayList<>(
            List.of("squash", in.toString(), "-o", out.toString(), "--format", fmt, "-q"));
    args.addAll(List.of(extra));
    assertEquals(0, InteropTest.runCli(args.toArray(new String[0])), "squash " + args);
    return out;
  }

  private static void compare(String original, String squashed) throws Exception {
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            original,
            squashed)
        .timeout(600)
        .check();
  }

  /**
   * Every new layer's descriptor names its slot of N and its groups; the kept ones carry nothing of
   * ours.
   */
  private static void assertAnnotated(Path out, int newLayers, int kept, int n) throws Exception {
    String index = Proc.of("tar", "-xOf", out.toString(), "index.json").timeout(60).check();
    ObjectMapper m = new ObjectMapper();
    String digest = m.readTree(index).path("manifests").get(0).path("digest").asText();
    String manifest =
        Proc.of("tar", "-xOf", out.toString(), "blobs/sha256/" + digest.substring(7))
            .timeout(60)
            .check();
    JsonNode layers = m.readTree(manifest).path("layers");
    assertEquals(kept + newLayers, layers.size());
    int lastSlot = -1;
    for (int i = 0; i < layers.size(); i++) {
      JsonNode a = layers.get(i).path("annotations");
      if (i < kept) {
        assertTrue(a.path("dev.ocisquash.layer.slot").isMissingNode(), a.toString());
        continue;
      }
      String[] slot = a.path("dev.ocisquash.layer.slot").asText().split("/", -1);
      assertEquals("" + n, slot[1], a.toString());
      int s = Integer.parseInt(slot[0]);
      assertTrue(s > lastSlot && s < n, "slots ascend: " + a);
      lastSlot = s;
      assertTrue(a.path("dev.ocisquash.layer.groups").isTextual(), a.toString());
    }
  }
}
