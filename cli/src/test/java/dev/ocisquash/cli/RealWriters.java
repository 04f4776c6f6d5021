package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one image (the {@code hardlinks} case of testdata/fixtures/build-fixtures.sh: four umoci
 * layers with hardlinks, whiteouts and a hardlink partner re-emitted after its target changed) with
 * every real tool here that writes image archives or layouts, each in every shape it offers. A
 * second image (testdata/sample/busybox-sample.tar) shares the multi-image archives. Daemons
 * (Docker, containerd) and the podman/buildah store are started once and shared; {@link #close}
 * stops and removes them.
 */
final class RealWriters implements AutoCloseable {
  /**
   * One archive or layout a real tool wrote: {@code writer} (tool, version and command), the {@code
   * path} ocisquash reads, the skopeo {@code original} reference of the same image, ocisquash's
   * extra {@code args} (--ref), the {@code members} the shape must have ({@code !name}: must not
   * have) and the output format to squash it to.
   */
  record Shape(
      String writer,
      Path path,
      String original,
      List<String> args,
      List<String> members,
      String format) {}

  /** Names of the two images in the podman/buildah store, Docker and containerd. */
  static final String PODMAN_NAME = "localhost/ocisquash/writers:hardlinks";

  static final String SAMPLE = "docker.io/ocisquash/sample:latest";
  static final String FIXTURE = "ocisquash-test/hardlinks:latest";

  private final Path out;
  private final Path fixtures;
  private final List<Shape> shapes = new ArrayList<>();
  private DockerDaemon docker;
  private ContainerdDaemon containerd;
  private Path podmanStore;

  private RealWriters(Path out, Path fixtures) {
    this.out = out;
    this.fixtures = fixtures;
  }

  /**
   * Builds the fixture into {@code work}/fixtures and writes every shape into {@code work}/written.
   */
  static RealWriters writeAll(Path work) throws Exception {
    Path fixtures = work.resolve("fixtures");
    Proc.of(
            "bash",
            TestData.dir().resolve("fixtures/build-fixtures.sh").toString(),
            fixtures.toString(),
            "hardlinks")
        .timeout(600)
        .check();
    RealWriters w = new RealWriters(Files.createDirectories(work.resolve("written")), fixtures);
    boolean ok = false;
    try {
      w.umociAndSkopeo();
      w.podmanAndBuildah();
      w.docker();
      w.containerd();
      ok = true;
      return w;
    } finally {
      if (!ok) {
        w.close();
      }
    }
  }

  List<Shape> shapes() {
    return shapes;
  }

  private void add(
      String writer,
      Path path,
      String original,
      List<String> args,
      String format,
      String... members) {
    shapes.add(new Shape(writer, path, original, args, List.of(members), format));
  }

  /** The Debian package version of a tool, e.g. {@code skopeo 1.9.3+ds1-1+b10}. */
  static String version(String pkg) throws Exception {
    return pkg
        + " "
        + Proc.of("dpkg-query", "-W", "-f", "${Version}", pkg).timeout(30).check().strip();
  }

  private void umociAndSkopeo() throws Exception {
    String umoci = version("umoci");
    String skopeo = version("skopeo");
    String src = "oci:" + fixtures.resolve("layout") + ":hardlinks";
    add(
        umoci + " repack (its own layout)",
        fixtures.resolve("layout"),
        src,
        List.of("--ref", "hardlinks"),
        "docker",
        "oci-layout",
        "index.json");
    Path ociDir = out.resolve("skopeo-oci");
    Proc.of("skopeo", "copy", "-q", src, "oci:" + ociDir + ":hl").timeout(120).check();
    add(
        skopeo + " copy oci:",
        ociDir,
        "oci:" + ociDir + ":hl",
        List.of(),
        "oci",
        "oci-layout",
        "index.json");
    Path ociTar =
        fixtures.resolve(
            "hardlinks.oci.tar"); // build-fixtures.sh writes both archives with skopeo copy
    add(
        skopeo + " copy oci-archive:",
        ociTar,
        "oci-archive:" + ociTar,
        List.of(),
        "docker",
        "oci-layout",
        "index.json");
    Path dockerTar = fixtures.resolve("hardlinks.docker.tar");
    add(
        skopeo + " copy docker-archive:",
        dockerTar,
        "docker-archive:" + dockerTar,
        List.of(),
        "oci",
        "manifest.json",
        "repositories",
        "!index.json");
    Path dir = out.resolve("skopeo-dir");
    Proc.of("skopeo", "copy", "-q", src, "dir:" + dir).timeout(120).check();
    add(
        skopeo + " copy dir: (OCI manifest, gzip)",
        dir,
        "dir:" + dir,
        List.of(),
        "docker",
        "version",
        "manifest.json",
        "!index.json");
  }

  private String podman(long timeout, String tool, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                tool,
                "--root",
                podmanStore.resolve("r").toString(),
                "--runroot",
                podmanStore.resolve("s").toString(),
                "--storage-driver",
                "vfs"));
    cmd.addAll(List.of(args));
    return Proc.of(cmd.toArray(new String[0])).timeout(timeout).check();
  }

  private static String loaded(String loadOutput) {
    String name = null;
    for (String line : loadOutput.split("\n", -1)) {
      if (line.startsWith("Loaded image")) {
        name = line.substring(line.indexOf(':') + 1).strip();
      }
    }
    assertTrue(name != null, "no 'Loaded image' line in:\n" + loadOutput);
    return name;
  }

  private void podmanAndBuildah() throws Exception {
    // podman wants a runroot shorter than 50 characters: directly under /tmp
    podmanStore = Files.createTempDirectory(Path.of("/tmp"), "ocsq-pmw");
    String id =
        loaded(
            podman(300, "podman", "load", "-i", fixtures.resolve("hardlinks.oci.tar").toString()));
    podman(60, "podman", "tag", id, PODMAN_NAME);
    String sample = loaded(podman(300, "podman", "load", "-i", TestData.sample().toString()));
    String podman = version("podman");
    String[][] saves = {
      {"oci-archive", "pm.oci.tar", "oci-archive:", "docker", "oci-layout", "index.json"},
      {"oci-dir", "pm-oci-dir", "oci:", "oci", "oci-layout", "index.json", "!version"},
      {
        "docker-archive", "pm.docker.tar", "docker-archive:", "oci", "manifest.json", "repositories"
      },
      {"docker-dir", "pm-docker-dir", "dir:", "docker", "version", "manifest.json", "!index.json"},
    };
    for (String[] s : saves) {
      Path p = out.resolve(s[1]);
      podman(300, "podman", "save", "--format", s[0], "-o", p.toString(), PODMAN_NAME);
      add(
          podman + " save --format " + s[0],
          p,
          s[2] + p,
          List.of(),
          s[3],
          List.of(s).subList(4, s.length).toArray(new String[0]));
    }
    Path multi = out.resolve("pm-multi.docker.tar");
    podman(
        300,
        "podman",
        "save",
        "-m",
        "--format",
        "docker-archive",
        "-o",
        multi.toString(),
        sample,
        PODMAN_NAME);
    add(
        podman + " save -m (two images), --ref",
        multi,
        "docker-archive:" + multi + ":" + PODMAN_NAME,
        List.of("--ref", PODMAN_NAME),
        "docker",
        "manifest.json");
    String buildah = version("buildah");
    Path bOci = out.resolve("bh-oci");
    Path bOciTar = out.resolve("bh.oci.tar");
    Path bDocker = out.resolve("bh.docker.tar");
    podman(300, "buildah", "push", "-q", PODMAN_NAME, "oci:" + bOci + ":hl");
    podman(300, "buildah", "push", "-q", PODMAN_NAME, "oci-archive:" + bOciTar);
    podman(
        300, "buildah", "push", "-q", PODMAN_NAME, "docker-archive:" + bDocker + ":" + PODMAN_NAME);
    add(
        buildah + " push oci:",
        bOci,
        "oci:" + bOci + ":hl",
        List.of(),
        "docker",
        "oci-layout",
        "index.json");
    add(
        buildah + " push oci-archive:",
        bOciTar,
        "oci-archive:" + bOciTar,
        List.of(),
        "oci",
        "oci-layout",
        "index.json");
    add(
        buildah + " push docker-archive:",
        bDocker,
        "docker-archive:" + bDocker,
        List.of(),
        "docker",
        "manifest.json");
  }

  private void docker() throws Exception {
    docker = DockerDaemon.start("vfs");
    docker.docker(300, "load", "-i", fixtures.resolve("hardlinks.docker.tar").toString());
    docker.docker(300, "load", "-i", TestData.sample().toString());
    String v =
        "docker.io " + docker.docker(60, "version", "--format", "{{.Server.Version}}").strip();
    Path single = docker.dir("save").resolve("single.tar");
    Path multi = docker.dir("save").resolve("multi.tar");
    docker.docker(300, "save", "-o", single.toString(), FIXTURE);
    docker.docker(300, "save", "-o", multi.toString(), FIXTURE, "ocisquash/sample:latest");
    // Docker 20.10 writes the legacy layout only: manifest.json, repositories, <id>/layer.tar, no
    // index.json
    add(
        v + " save",
        single,
        "docker-archive:" + single,
        List.of(),
        "oci",
        "manifest.json",
        "repositories",
        "!index.json");
    add(
        v + " save (two images), --ref",
        multi,
        "docker-archive:" + multi + ":" + FIXTURE,
        List.of("--ref", FIXTURE),
        "docker",
        "manifest.json",
        "repositories",
        "!index.json");
  }

  private void containerd() throws Exception {
    containerd = ContainerdDaemon.start();
    String v = version("containerd") + " ctr";
    containerd.run(
        "ctr",
        300,
        "images",
        "import",
        "--no-unpack",
        fixtures.resolve("hardlinks.docker.tar").toString());
    containerd.run("ctr", 300, "images", "import", "--no-unpack", TestData.sample().toString());
    String oci = "docker.io/ocisquash/oci:1";
    containerd.run(
        "ctr",
        300,
        "images",
        "import",
        "--no-unpack",
        "--index-name",
        oci,
        fixtures.resolve("hardlinks.oci.tar").toString());
    String fixture = "docker.io/" + FIXTURE;
    Path fromDocker = out.resolve("ctr-docker.tar");
    Path fromOci = out.resolve("ctr-oci.tar");
    Path multi = out.resolve("ctr-multi.tar");
    containerd.run("ctr", 300, "images", "export", fromDocker.toString(), fixture);
    containerd.run("ctr", 300, "images", "export", fromOci.toString(), oci);
    containerd.run("ctr", 300, "images", "export", multi.toString(), fixture, SAMPLE);
    add(
        v + " export (imported docker-archive)",
        fromDocker,
        "oci-archive:" + fromDocker,
        List.of(),
        "docker",
        "oci-layout",
        "index.json",
        "manifest.json");
    add(
        v + " export (imported oci-archive: index in index)",
        fromOci,
        "oci-archive:" + fromOci,
        List.of(),
        "oci",
        "oci-layout",
        "index.json",
        "manifest.json");
    add(
        v + " export (two images), --ref",
        multi,
        "docker-archive:" + multi + ":" + FIXTURE,
        List.of("--ref", fixture),
        "oci",
        "oci-layout",
        "index.json",
        "manifest.json");
    String esgz = "docker.io/ocisquash/esgz:1";
    containerd.run("ctr-remote", 300, "images", "convert", "--estargz", "--oci", oci, esgz);
    Path esgzTar = out.resolve("ctr-esgz.tar");
    containerd.run("ctr", 300, "images", "export", esgzTar.toString(), esgz);
    // the manifest (stored uncompressed in the tar) carries the eStargz TOC digest of each layer
    String raw = new String(Files.readAllBytes(esgzTar), StandardCharsets.ISO_8859_1);
    assertTrue(
        raw.contains("containerd.io/snapshot/stargz/toc.digest"),
        "ctr-remote wrote eStargz layers");
    add(
        version("stargz-snapshotter") + " ctr-remote images convert --estargz --oci, ctr export",
        esgzTar,
        "oci-archive:" + esgzTar,
        List.of(),
        "docker",
        "oci-layout",
        "index.json");
  }

  /**
   * Stops the daemons and removes the podman/buildah store; every step runs, the first failure is
   * thrown.
   */
  @Override
  public void close() throws Exception {
    AssertionError failures = null;
    for (AutoCloseable c : new AutoCloseable[] {docker, containerd}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception | AssertionError e) {
        failures =
            failures == null
                ? new AssertionError("stopping the writers' daemons failed")
                : failures;
        failures.addSuppressed(e);
      }
    }
    if (podmanStore != null) {
      Proc.of(List.of("rm", "-rf", "--one-file-system", podmanStore.toString())).timeout(300).run();
    }
    if (failures != null) {
      throw failures;
    }
  }
}
