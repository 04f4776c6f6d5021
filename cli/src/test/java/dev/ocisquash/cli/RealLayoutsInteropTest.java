package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
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
 * Images as users have them, written by real tools: a single-layer image (umoci's layout, skopeo's
 * docker-archive and oci-archive), and an OCI layout holding the image beside cosign-shaped
 * signature, attestation and SBOM manifests and an OCI 1.1 artifact
 * (testdata/fixtures/build-fixtures.sh, cases single and signed). Each squash is checked by umoci
 * unpack against the original (testdata/tools/compare-squash.sh) and by skopeo.
 */
@Tag("integration") // umoci, skopeo, root
class RealLayoutsInteropTest {
  @TempDir static Path work;
  static Path fixtures;

  @BeforeAll
  static void buildFixtures() throws Exception {
    fixtures = work.resolve("fixtures");
    Proc.of(
            "bash",
            TestData.dir().resolve("fixtures/build-fixtures.sh").toString(),
            fixtures.toString(),
            "single",
            "signed")
        .timeout(600)
        .check();
  }

  /** {input label, path, skopeo ref of the original, extra args}. */
  static List<String[]> singleLayerInputs() {
    return List.of(
        new String[] {
          "umoci layout",
          fixtures.resolve("layout").toString(),
          "oci:" + fixtures.resolve("layout") + ":single",
          "--ref",
          "single"
        },
        new String[] {
          "skopeo docker-archive",
          fixtures.resolve("single.docker.tar").toString(),
          "docker-archive:" + fixtures.resolve("single.docker.tar")
        },
        new String[] {
          "skopeo oci-archive",
          fixtures.resolve("single.oci.tar").toString(),
          "oci-archive:" + fixtures.resolve("single.oci.tar")
        });
  }

  @TestFactory
  Stream<DynamicTest> singleLayerImagesAreRewrittenOrStripped() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String[] in : singleLayerInputs()) {
      for (boolean strip : new boolean[] {false, true}) {
        tests.add(
            DynamicTest.dynamicTest(
                in[0] + (strip ? " --preset safe" : ""),
                () -> {
                  Path out =
                      work.resolve(in[0].replace(' ', '-') + (strip ? "-safe" : "") + ".tar");
                  Path report = work.resolve(out.getFileName() + ".json");
                  List<String> args =
                      new ArrayList<>(
                          List.of("squash", in[1], "-o", out.toString(), "--format", "oci"));
                  args.addAll(List.of(in).subList(3, in.length));
                  if (strip) {
                    args.addAll(List.of("--preset", "safe", "--report-json", report.toString()));
                  }
                  Run r = CliTest.cli(args.toArray(new String[0]));
                  assertEquals(0, r.exit, r.err);
                  assertTrue(
                      r.out.contains("layers   1 -> 1 (one layer to squash: nothing to merge"),
                      r.out);
                  String allow = "";
                  if (strip) {
                    Path list = InteropTest.allowListFromReport(report);
                    List<String> removed = Files.readAllLines(list);
                    assertTrue(removed.contains("/usr/share/doc/tool/README"), removed.toString());
                    assertTrue(
                        removed.contains("/var/cache/apt/archives/tool_1.0_amd64.deb"),
                        removed.toString());
                    assertFalse(removed.contains("/usr/bin/tool"), removed.toString());
                    allow = list.toString();
                  }
                  List<String> compare =
                      new ArrayList<>(
                          List.of(
                              "bash",
                              TestData.dir().resolve("tools/compare-squash.sh").toString(),
                              in[2],
                              "oci-archive:" + out));
                  if (!allow.isEmpty()) {
                    compare.add(allow);
                  }
                  Proc.of(compare.toArray(new String[0])).timeout(600).check();
                }));
      }
    }
    return tests.stream();
  }

  /**
   * Naming the only layer explicitly asks for a merge that cannot happen: refused, unless strip
   * rules are given.
   */
  @Test
  void anExplicitPointOnTheOnlyLayerNeedsStripRules() throws Exception {
    String in = fixtures.resolve("single.docker.tar").toString();
    Run refused =
        CliTest.cli("squash", in, "-o", work.resolve("from0.tar").toString(), "--from", "0");
    assertEquals(2, refused.exit);
    assertTrue(refused.err.contains("leaves only one layer to squash"), refused.err);
    assertFalse(Files.exists(work.resolve("from0.tar")));
    Run stripped =
        CliTest.cli(
            "squash",
            in,
            "-o",
            work.resolve("from0-safe.tar").toString(),
            "--from",
            "0",
            "--preset",
            "safe");
    assertEquals(0, stripped.exit, stripped.err);
    assertTrue(stripped.out.contains("stripped"), stripped.out);
  }

  /**
   * The image is picked by itself from a layout that also holds signatures, attestations and
   * artifacts.
   */
  @Test
  void signedLayoutsSquashTheImage() throws Exception {
    Path layout = fixtures.resolve("signed");
    String original = "oci:" + layout + ":latest";
    for (Path in : new Path[] {layout, fixtures.resolve("signed.oci.tar")}) {
      Path out = work.resolve("signed-" + in.getFileName() + "-out.tar");
      Path report = work.resolve(out.getFileName() + ".json");
      Run r =
          CliTest.cli(
              "squash",
              in.toString(),
              "-o",
              out.toString(),
              "--format",
              "oci",
              "--preset",
              "safe",
              "--report-json",
              report.toString());
      assertEquals(0, r.exit, r.err);
      Path allow = InteropTest.allowListFromReport(report);
      assertTrue(Files.readAllLines(allow).contains("/usr/share/doc/tool/README"));
      Proc.of(
              "bash",
              TestData.dir().resolve("tools/compare-squash.sh").toString(),
              original,
              "oci-archive:" + out,
              allow.toString())
          .timeout(600)
          .check();
    }
    String index = Files.readString(layout.resolve("index.json"));
    int at = index.indexOf("sha256-");
    String sigTag = index.substring(at, index.indexOf(".sig", at) + 4);
    Run sig =
        CliTest.cli(
            "squash", layout.toString(), "-o", work.resolve("sig.tar").toString(), "--ref", sigTag);
    assertEquals(6, sig.exit);
    assertTrue(sig.err.contains("not an image") && sig.err.contains("simplesigning"), sig.err);
    assertFalse(Files.exists(work.resolve("sig.tar")));
  }

  /**
   * A legacy save (skopeo's docker-archive) whose config was edited after the save, keeping its old
   * {@code <hex>.json} name: skopeo accepts it, and so does ocisquash, with a note under --debug.
   */
  @Test
  void legacyConfigEditedAfterTheSaveIsAccepted() throws Exception {
    Path unpacked = Files.createDirectories(work.resolve("legacy-edited"));
    Path edited = work.resolve("legacy-edited.tar");
    Proc.of(
            "tar",
            "-C",
            unpacked.toString(),
            "-xf",
            fixtures.resolve("single.docker.tar").toString())
        .timeout(120)
        .check();
    Proc.of(
            "python3",
            "-c",
            "import json,sys; m=json.load(open(sys.argv[1]+'/manifest.json')); p=sys.argv[1]+'/'+m[0]['Config'];"
                + " c=json.load(open(p)); c['history'][0]['comment']='edited after save'; open(p,'w').write(json.dumps(c))",
            unpacked.toString())
        .timeout(120)
        .check();
    Proc.of("sh", "-c", "cd " + unpacked + " && tar -cf " + edited + " *").timeout(120).check();
    Proc.of("skopeo", "inspect", "--config", "docker-archive:" + edited)
        .timeout(120)
        .check(); // skopeo accepts it
    Path out = work.resolve("legacy-edited-out.tar");
    Run r = CliTest.cli("squash", edited.toString(), "-o", out.toString(), "--debug");
    assertEquals(0, r.exit, r.err);
    assertTrue(
        r.err.contains("ocisquash: debug: ")
            && r.err.contains("config file name is not its digest"),
        r.err);
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            "docker-archive:" + edited,
            "docker-archive:" + out)
        .timeout(600)
        .check();
    Run quiet =
        CliTest.cli("squash", edited.toString(), "-o", work.resolve("legacy-quiet.tar").toString());
    assertEquals(0, quiet.exit, quiet.err);
    assertFalse(quiet.err.contains("debug"), "no note without --debug: " + quiet.err);
  }
}
