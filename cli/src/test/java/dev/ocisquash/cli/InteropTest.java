package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correctness check that does not trust our own code: images built with umoci from real filesystem changes
 * are exported with skopeo, squashed by ocisquash, and then both the original and the squashed image are unpacked
 * by {@code umoci unpack} and compared entry by entry (type, mode, owner, size, content hash, link target, xattrs,
 * device numbers, hardlink groups) by testdata/tools/compare-squash.sh.
 */
class InteropTest {
  static final String[] CASES = {
    "opaque",
    "dir-recreated",
    "type-changes",
    "recreate",
    "hardlinks",
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
    Tools.check(
        1800, "bash", Tools.testdata().resolve("fixtures/build-fixtures.sh").toString(), fixtures.toString());
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
          if (c.equals("sparse") && !fmt.equals("oci")) {
            continue; // 1 GiB of zeros: one format is enough to prove it, the others cost minutes
          }
          tests.add(
              DynamicTest.dynamicTest(
                  c + " " + in[0] + " -> " + fmt, () -> squashAndCompare(c, in[0], in[1], fmt)));
        }
      }
    }
    return tests.stream();
  }

  static void squashAndCompare(String c, String inKind, String in, String fmt) throws Exception {
    Path out = work.resolve(c + "-" + inKind + "-" + fmt + (fmt.equals("oci-dir") ? "" : ".tar"));
    int rc = runCli("squash", in, "-o", out.toString(), "--format", fmt);
    assertEquals(0, rc, "ocisquash squash failed");
    String squashedRef =
        fmt.equals("docker")
            ? "docker-archive:" + out
            : fmt.equals("oci") ? "oci-archive:" + out : "oci:" + out;
    String originalRef = inKind + ":" + in;
    Tools.check(
        600, "bash", Tools.testdata().resolve("tools/compare-squash.sh").toString(), originalRef, squashedRef);
    String inspect = Tools.check(120, "skopeo", "inspect", squashedRef);
    assertTrue(inspect.contains("\"Layers\""), inspect);
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
