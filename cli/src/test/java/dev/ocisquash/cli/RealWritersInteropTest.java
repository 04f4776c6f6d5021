package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.cli.RealWriters.Shape;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance corpus of archives and layouts written by the real tools during the run (see
 * {@link RealWriters}: skopeo, umoci, buildah, podman, Docker 20.10, containerd's ctr and
 * ctr-remote), one dynamic test per writer and shape: the shape is what the tool is known to write,
 * {@code ocisquash squash IN -o OUT} succeeds, umoci unpacks the writer's image and the squash to
 * the same tree (testdata/tools/compare-squash.sh, which also copies both with skopeo), and skopeo
 * inspect reads the output as one layer. docs/conformance.md lists the corpus.
 */
@Tag("integration") // umoci, skopeo, buildah, podman, dockerd, containerd, ctr-remote, root
class RealWritersInteropTest {
  @TempDir static Path work;
  static RealWriters writers;

  @BeforeAll
  static void write() throws Exception {
    writers = RealWriters.writeAll(work);
  }

  @AfterAll
  static void stop() throws Exception {
    if (writers != null) {
      writers.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRealShapeSquashesToTheWritersTree() {
    List<DynamicTest> tests = new ArrayList<>();
    Set<String> formats = new HashSet<>();
    for (Shape s : writers.shapes()) {
      formats.add(s.format());
      int n = tests.size();
      tests.add(
          DynamicTest.dynamicTest(s.writer() + " -> " + s.format(), () -> squashAndCompare(s, n)));
    }
    assertEquals(Set.of("docker", "oci"), formats, "both output formats are covered");
    return tests.stream();
  }

  static void squashAndCompare(Shape s, int n) throws Exception {
    assertShape(s);
    Path out = work.resolve("squashed-" + n + "-" + s.path().getFileName() + ".tar");
    List<String> args =
        new ArrayList<>(
            List.of("squash", s.path().toString(), "-o", out.toString(), "--format", s.format()));
    args.addAll(s.args());
    Run r = CliTest.cli(args.toArray(new String[0]));
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("layers   4 -> 1"), r.out);
    String squashed = InteropTest.ref(s.format(), out);
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            s.original(),
            squashed)
        .timeout(600)
        .check();
    assertEquals(1, InteropTest.layerDigests(squashed).size(), "skopeo inspect " + squashed);
  }

  /** The input holds (or lacks, for {@code !name}) the members its writer is known for. */
  static void assertShape(Shape s) throws Exception {
    Set<String> names = new HashSet<>();
    if (Files.isDirectory(s.path())) {
      try (Stream<Path> files = Files.list(s.path())) {
        files.forEach(f -> names.add(f.getFileName().toString()));
      }
    } else {
      for (String line :
          Proc.of("tar", "-tf", s.path().toString()).timeout(120).check().lines().toList()) {
        names.add(line.startsWith("./") ? line.substring(2) : line);
      }
    }
    for (String m : s.members()) {
      if (m.startsWith("!")) {
        assertFalse(
            names.contains(m.substring(1)), s.writer() + " wrote " + m.substring(1) + ": " + names);
      } else {
        assertTrue(names.contains(m), s.writer() + " did not write " + m + ": " + names);
      }
    }
  }
}
