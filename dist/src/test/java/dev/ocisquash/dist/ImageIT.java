package dev.ocisquash.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image of ocisquash (build-image.sh): Docker loads it and squashes the sample through {@code
 * docker run} to the same bytes as the development build, with its bundled ISA-L (the image has no
 * libisal2); the shell parts of docs/ci.md run; podman loads both archives; skopeo reads both; a
 * second build gives the same digests.
 */
@Tag("integration") // dockerd, podman, root
class ImageIT {
  @TempDir Path tmp;

  private final String version = System.getProperty("dist.version");
  private final Path imageDir = Path.of(System.getProperty("image.dir"));
  private final Path dockerArchive = imageDir.resolve("ocisquash-" + version + "-image.docker.tar");
  private final Path ociArchive = imageDir.resolve("ocisquash-" + version + "-image.oci.tar");
  private final Path sample = TestData.repo().resolve("testdata/sample/busybox-sample.tar");

  @Test
  void dockerLoadsItAndSquashesTheSampleThroughDockerRun() throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    Files.copy(sample, data.resolve("in.tar"));
    String image = "ocisquash:" + version;
    String script =
        String.join(
            "\n",
            "set -eu",
            "D=/usr/bin/docker",
            "$D load -i '" + dockerArchive + "'",
            "$D run --rm --network none " + image + " --version",
            "$D run --rm --network none -v '"
                + data
                + ":/data' "
                + image
                + " squash /data/in.tar -o /data/out.tar",
            "$D image inspect --format 'entrypoint={{json .Config.Entrypoint}}' " + image);
    String out =
        Proc.of(
                "bash",
                TestData.repo().resolve("testdata/tools/with-dockerd.sh").toString(),
                "bash",
                "-c",
                script)
            .timeout(600)
            .check();
    assertTrue(out.contains("Loaded image: " + image), out);
    assertTrue(out.contains("ocisquash " + version + "\n"), out);
    assertTrue(
        out.contains("gzip: libdeflate (libdeflate.so.0)") && out.contains("gunzip: ISA-L"),
        "the bundled libdeflate and ISA-L load in the image:\n" + out);
    assertTrue(out.contains("entrypoint=[\"ocisquash\"]"), out);
    Path expected = tmp.resolve("expected.tar");
    Proc.of(
            TestData.repo().resolve("cli/target/ocisquash").toString(),
            "squash",
            sample.toString(),
            "-o",
            expected.toString())
        .timeout(300)
        .check();
    assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(data.resolve("out.tar")));
  }

  /** docs/ci.md: every marked shell part runs on the sample, on the host or inside this image. */
  @Test
  void theCiRecipesShellPartsRunOnTheSample() throws Exception {
    Path dist =
        Path.of(System.getProperty("dist.tarball")).getParent().resolve("ocisquash-" + version);
    String out =
        Proc.of(
                "bash",
                TestData.repo().resolve("testdata/tools/with-dockerd.sh").toString(),
                "bash",
                TestData.repo().resolve("testdata/tools/test-ci-snippets.sh").toString(),
                TestData.repo().resolve("docs/ci.md").toString(),
                dockerArchive.toString(),
                "ocisquash:" + version,
                dist.toString(),
                sample.toString())
            .timeout(900)
            .check();
    for (String part :
        List.of(
            "github-docker",
            "github-tarball",
            "github-matrix",
            "gitlab",
            "gitlab-matrix",
            "tekton",
            "k8s-indexed-job")) {
      assertTrue(out.contains("ok " + part + " ("), out);
    }
  }

  @Test
  void podmanLoadsBothArchivesAndSkopeoReadsThem() throws Exception {
    Path store = tmp.resolve("podman");
    for (Path archive : List.of(dockerArchive, ociArchive)) {
      String out =
          Proc.of(
                  "podman",
                  "--root",
                  store.resolve("root").toString(),
                  "--runroot",
                  store.resolve("run").toString(),
                  "--storage-driver",
                  "vfs",
                  "load",
                  "-i",
                  archive.toString())
              .timeout(300)
              .check();
      assertTrue(out.contains("Loaded image"), out);
    }
    String docker =
        Proc.of("skopeo", "inspect", "--raw", "docker-archive:" + dockerArchive)
            .timeout(120)
            .check();
    String oci =
        Proc.of("skopeo", "inspect", "--raw", "oci-archive:" + ociArchive).timeout(120).check();
    // One squashed, gzip-compressed layer in both.
    for (String manifest : List.of(docker, oci)) {
      assertEquals(1, manifest.split("tar\\+gzip|tar\\.gzip", -1).length - 1, manifest);
    }
  }

  @Test
  void twoBuildsGiveTheSameDigests() throws Exception {
    Path again = tmp.resolve("again");
    Path dist =
        Path.of(System.getProperty("dist.tarball")).getParent().resolve("ocisquash-" + version);
    Proc.of(
            "bash",
            TestData.repo().resolve("dist/src/main/sh/build-image.sh").toString(),
            dist.toString(),
            again.toString(),
            version,
            System.getProperty("java.class.path"))
        .clearEnv()
        .env(DistIT.buildEnv())
        .timeout(600)
        .check();
    assertEquals(
        Files.readString(imageDir.resolve("digests.txt")),
        Files.readString(again.resolve("digests.txt")));
    assertArrayEquals(
        Files.readAllBytes(dockerArchive),
        Files.readAllBytes(again.resolve(dockerArchive.getFileName())));
  }
}
