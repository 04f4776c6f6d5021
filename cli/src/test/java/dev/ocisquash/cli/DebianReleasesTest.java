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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two releases of a Debian app image built from real packages
 * (testdata/debian/build-release-pair.sh: one debootstrap, then python3 with two versions of
 * openssl and libssl3 from the mirror, and a changed app file), squashed as a reproducible CI build
 * would ({@code --preset safe}, SOURCE_DATE_EPOCH) with {@code --max-layers 32}. A node holding
 * release 1 must pull at most 10% of release 2's layer bytes, with and without {@code --prior}; the
 * tree is the original's, skopeo and Docker take it, and the bytes are the same twice.
 */
@Tag("integration") // debootstrap, chroot, umoci, skopeo, docker, root
class DebianReleasesTest {
  private static final String[] COMMON = {
    "--preset", "safe", "--compression", "gzip", "--source-date-epoch", "1700000000", "-q"
  };

  @TempDir static Path work;
  static Path release1;
  static Path release2;
  static Path single2;
  static Path squashed1;
  static Path squashed2;
  static Path prior2;
  static Path prior2Report;

  @BeforeAll
  static void buildAndSquash() throws Exception {
    Path cache = Path.of("target", "debian-releases").toAbsolutePath();
    Proc.of(
            "bash",
            TestData.dir().resolve("debian/build-release-pair.sh").toString(),
            cache.toString())
        .timeout(2400)
        .check();
    release1 = cache.resolve("release1.docker.tar");
    release2 = cache.resolve("release2.docker.tar");
    single2 = squash(release2, "single2");
    squashed1 = squash(release1, "squashed1", "--max-layers", "32");
    squashed2 = squash(release2, "squashed2", "--max-layers", "32");
    prior2Report = work.resolve("prior2.json");
    prior2 =
        squash(
            release2,
            "prior2",
            "--max-layers",
            "32",
            "--prior",
            squashed1.toString(),
            "--report-json",
            prior2Report.toString());
  }

  static Path squash(Path in, String name, String... extra) {
    Path out = work.resolve(name + ".tar");
    List<String> args = new ArrayList<>(List.of("squash", in.toString(), "-o", out.toString()));
    args.addAll(List.of(COMMON));
    args.addAll(List.of(extra));
    assertEquals(0, InteropTest.runCli(args.toArray(new String[0])), "squash " + args);
    return out;
  }

  /**
   * The layer blobs of an image we wrote (its OCI manifest, beside docker's manifest.json): digest
   * to size.
   */
  static Map<String, Long> layers(Path image) throws Exception {
    ObjectMapper m = new ObjectMapper();
    JsonNode index =
        m.readTree(Proc.of("tar", "-xOf", image.toString(), "index.json").timeout(60).check());
    String digest = index.path("manifests").get(0).path("digest").asText();
    JsonNode manifest =
        m.readTree(
            Proc.of("tar", "-xOf", image.toString(), "blobs/sha256/" + digest.substring(7))
                .timeout(60)
                .check());
    Map<String, Long> out = new LinkedHashMap<>();
    for (JsonNode l : manifest.path("layers")) {
      out.put(l.path("digest").asText(), l.path("size").asLong());
    }
    return out;
  }

  /** The share of {@code next}'s layer bytes a node holding {@code held} must pull. */
  static double repull(Path held, Path next) throws Exception {
    Map<String, Long> have = layers(held);
    long total = 0;
    long pull = 0;
    for (Map.Entry<String, Long> e : layers(next).entrySet()) {
      total += e.getValue();
      if (!have.containsKey(e.getKey())) {
        pull += e.getValue();
      }
    }
    return (double) pull / total;
  }

  @Test
  void aSecurityUpdateRepullsAtMostTenPercentWithAndWithoutPrior() throws Exception {
    assertEquals(
        1.0,
        repull(single2, squash(release1, "single1")),
        1e-9,
        "one layer: everything, as the issue says");
    double without = repull(squashed1, squashed2);
    double with = repull(squashed1, prior2);
    assertTrue(without <= 0.10, "re-pull without --prior: " + without);
    assertTrue(with <= 0.10, "re-pull with --prior: " + with);
    assertTrue(without > 0, "the openssl layer did change: " + without);
  }

  @Test
  void atMostNLayersAndAboutTheBytesOfOneLayer() throws Exception {
    Map<String, Long> split = layers(prior2);
    assertTrue(split.size() > 4 && split.size() <= 32, split.size() + " layers");
    long one = layers(single2).values().stream().mapToLong(Long::longValue).sum();
    long many = split.values().stream().mapToLong(Long::longValue).sum();
    assertTrue(many <= one * 1.05, many + " bytes in layers vs " + one + " in one layer");
  }

  @Test
  void theTreeIsTheOriginalsLessWhatTheSafePresetStripped() throws Exception {
    Path allow = InteropTest.allowListFromReport(prior2Report);
    Proc.of(
            "bash",
            TestData.dir().resolve("tools/compare-squash.sh").toString(),
            "docker-archive:" + release2,
            "docker-archive:" + prior2,
            allow.toString())
        .timeout(900)
        .check();
    JsonNode report = new ObjectMapper().readTree(prior2Report.toFile());
    assertEquals(
        layers(prior2).size(), report.path("layers").size(), "the report lists every layer");
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    Path again =
        squash(release2, "prior2-again", "--max-layers", "32", "--prior", squashed1.toString());
    assertArrayEquals(Files.readAllBytes(prior2), Files.readAllBytes(again));
  }

  /**
   * skopeo copies it and Docker (overlay2, its default driver) loads and runs it. podman load of
   * re-layered images is RelayerInteropTest's: with its vfs driver, 24 layers of this image would
   * copy the tree 24 times.
   */
  @Test
  void skopeoCopiesItAndDockerLoadsAndRunsIt() throws Exception {
    Path oci = work.resolve("prior2-oci");
    Proc.of("skopeo", "copy", "-q", "docker-archive:" + prior2, "oci:" + oci + ":x")
        .timeout(600)
        .check();
    try (DockerDaemon docker = DockerDaemon.start("overlay2")) {
      String out = docker.docker(600, "load", "-i", prior2.toString());
      assertTrue(out.contains("Loaded image"), out);
      String ran = docker.docker(300, "run", "--rm", "--network", "none", "ocisquash-test/app:2");
      assertTrue(ran.contains("release 2"), ran);
    }
  }
}
