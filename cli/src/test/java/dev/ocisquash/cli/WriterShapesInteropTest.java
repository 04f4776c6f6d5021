package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.shapes.SampleImage;
import dev.ocisquash.shapes.Shape;
import dev.ocisquash.shapes.Shapes;
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
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance corpus (docs/conformance.md, written by dev.ocisquash.shapes from each tool's
 * source) through the CLI: each image shape is squashed without --ref, and
 * testdata/tools/compare-squash.sh (skopeo inspect of the output, umoci unpack of both, tree by
 * tree, and the runtime config) checks the result against the original.
 *
 * <p>The original is the shape itself where skopeo reads it ({@link Shape#skopeoRef()}). Where it
 * does not, the sample image it was written from (testdata/sample/busybox-sample.tar, a
 * docker-archive) stands in: the shape holds that image's exact config and layers (core's
 * WriterShapesTest checks this). skopeo 1.9.3 cannot read: go-containerregistry layouts of a Docker
 * Hub pull (Docker media types: containers/image's oci transport skips index entries whose
 * mediaType is not the OCI manifest type, even when the ref.name matches; without a ref.name it
 * needs a name anyway), the two-platform crane index, cosign save (three unnamed manifests),
 * containerd's export with --skip-manifest-json (an index whose other platform's blobs are absent),
 * and a layout of artifacts only. That skopeo reads the original shape is asserted where {@code
 * skopeoRef} is set.
 */
@Tag("integration") // umoci, skopeo, root
class WriterShapesInteropTest {
  @TempDir static Path work;
  static List<Shape> shapes;

  @BeforeAll
  static void write() throws Exception {
    shapes = Shapes.writeAll(SampleImage.load(), work.resolve("shapes"));
  }

  @TestFactory
  Stream<DynamicTest> eachShapeSquashesToTheSameTree() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Shape s : shapes) {
      tests.add(DynamicTest.dynamicTest(s.name() + " (" + s.writer() + ")", () -> check(s)));
    }
    return tests.stream();
  }

  private static void check(Shape s) throws Exception {
    Path out = work.resolve(s.name() + "-out.tar");
    List<String> args =
        new ArrayList<>(
            List.of("squash", s.path().toString(), "-o", out.toString(), "--format", "oci"));
    args.addAll(s.args());
    Run r = CliTest.cli(args.toArray(new String[0]));
    if (!s.imageInside()) {
      assertEquals(6, r.exit, r.out);
      assertTrue(r.err.contains("holds no image, only artifacts"), r.err);
      assertFalse(Files.exists(out));
      return;
    }
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("layers   3 -> 1"), r.out);
    String original = s.skopeoRef();
    if (original != null) {
      Proc.of("skopeo", "inspect", original)
          .timeout(120)
          .check(); // skopeo reads the original shape
    } else {
      original = "docker-archive:" + SampleImage.path();
    }
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            original,
            "oci-archive:" + out)
        .timeout(600)
        .check();
    for (var a : s.artifactRefs().entrySet()) {
      Path refused = work.resolve(s.name() + "-artifact.tar");
      Run ar =
          CliTest.cli("squash", s.path().toString(), "-o", refused.toString(), "--ref", a.getKey());
      assertEquals(6, ar.exit, ar.out);
      assertTrue(ar.err.contains(a.getValue()), ar.err);
      assertFalse(Files.exists(refused));
    }
  }
}
