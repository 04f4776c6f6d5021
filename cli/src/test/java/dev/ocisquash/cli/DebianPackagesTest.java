package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --remove-package} on real packages: dpkg and Debian's Python metadata on the image of real
 * Debian packages that {@code DebianStripTest} builds (gcc, cpp, python3-numpy, openjdk-17), npm on
 * a tree that npm installs from the npm registry. Each result is checked by the ecosystem's own
 * tools: dpkg and apt in a chroot, npm ls.
 */
@Tag("integration") // debootstrap, chroot, root, the Debian mirror, npm and the npm registry
class DebianPackagesTest {
  @TempDir static Path work;
  static Path image;

  @BeforeAll
  static void build() throws Exception {
    Path cache = Path.of("target", "debian-image").toAbsolutePath();
    Proc.of(
            "bash",
            TestData.dir().resolve("debian/build-debian-image.sh").toString(),
            cache.toString())
        .timeout(2400)
        .check();
    image = cache.resolve("debian.docker.tar");
  }

  @Test
  void gccAndCppGoAndDpkgAndAptAgree() throws Exception {
    Path out = work.resolve("nogcc.tar");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            image.toString(),
            "-o",
            out.toString(),
            "--compression",
            "none",
            "--remove-package",
            "dpkg:gcc",
            "--remove-package",
            "gcc-12",
            "--remove-package",
            "cpp*",
            "--remove-package",
            "libgcc-12-dev");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("packages removed: dpkg:cpp 4:12.2.0-3, dpkg:cpp-12 "), r.out);
    assertFalse(r.out.contains("not removed whole"), r.out);
    Path root = DebianRoot.unpack(work, "docker-archive:" + out, "nogcc");
    Proc.Result audit = DebianRoot.run(root, "dpkg --audit && apt-get check -q");
    assertEquals(0, audit.exit(), audit.output());
    Proc.Result listed =
        DebianRoot.run(
            root,
            "dpkg-query -W -f '${Package} ${Status}\\n' | grep -E '^(gcc|gcc-12|cpp|cpp-12) '");
    assertEquals(1, listed.exit(), "dpkg no longer knows them: " + listed.output());
    // dpkg --verify checks every file of every kept package against its md5sums: none missing or
    // changed.
    Proc.Result verify = DebianRoot.run(root, "dpkg --verify");
    assertEquals(0, verify.exit(), verify.output());
    assertEquals("", verify.output().strip());
    Proc.Result gone =
        DebianRoot.run(
            root,
            "command -v gcc || command -v cc || command -v cpp || ls /usr/lib/gcc/x86_64-linux-gnu/12/cc1");
    assertTrue(gone.exit() != 0, gone.output());
    Proc.Result alternatives = DebianRoot.run(root, "update-alternatives --display cc");
    assertTrue(
        alternatives.exit() != 0 && alternatives.output().contains("no alternatives for cc"),
        alternatives.output());
    Proc.Result numpy =
        DebianRoot.run(root, "python3 -c 'import numpy; print(numpy.arange(3).sum())'");
    assertEquals("3", numpy.output().strip());
  }

  @Test
  void requiredAndDependedUponPackagesAndDebiansPythonMetadataAreRefused() throws Exception {
    CliTest.Run essential =
        CliTest.cli(
            "squash",
            image.toString(),
            "-o",
            work.resolve("x.tar").toString(),
            "--remove-package",
            "dash",
            "--remove-package",
            "dpkg:mawk",
            "--force");
    assertEquals(2, essential.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove dpkg:dash: it is essential (Essential: yes) "
            + "(and 1 more refusals)",
        essential.err.strip());
    CliTest.Run mawk =
        CliTest.cli(
            "squash",
            image.toString(),
            "-o",
            work.resolve("w.tar").toString(),
            "--remove-package",
            "mawk",
            "--force");
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove dpkg:mawk: it is essential (Priority: required)",
        mawk.err.strip());
    // bookworm's libc6 is neither essential nor required: what every binary needs is refused by its
    // dependents.
    CliTest.Run libc =
        CliTest.cli(
            "squash",
            image.toString(),
            "-o",
            work.resolve("v.tar").toString(),
            "--remove-package",
            "libc6");
    assertEquals(2, libc.exit);
    assertTrue(
        libc.err.startsWith(
                "ocisquash: error: --remove-package: cannot remove dpkg:libc6:amd64: kept packages "
                    + "depend on it: ")
            && libc.err.contains("dpkg:bash,")
            && libc.err.strip().split("\n", -1).length == 1,
        libc.err);
    CliTest.Run dev =
        CliTest.cli(
            "squash",
            image.toString(),
            "-o",
            work.resolve("y.tar").toString(),
            "--remove-package",
            "libgcc-12-dev");
    assertEquals(2, dev.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove dpkg:libgcc-12-dev:amd64: kept packages depend "
            + "on it: dpkg:gcc-12",
        dev.err.strip());
    CliTest.Run numpy =
        CliTest.cli(
            "squash",
            image.toString(),
            "-o",
            work.resolve("z.tar").toString(),
            "--remove-package",
            "pip:numpy");
    assertEquals(2, numpy.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove pip:numpy "
            + "(/usr/lib/python3/dist-packages/numpy-1.24.2.egg-info): its records belong to dpkg:python3-numpy; "
            + "remove that instead",
        numpy.err.strip());
    assertFalse(
        Files.exists(work.resolve("x.tar"))
            || Files.exists(work.resolve("v.tar"))
            || Files.exists(work.resolve("z.tar")),
        "nothing written");
  }

  /**
   * npm installs debug (which needs ms) and is-number from the registry; the project then stops
   * needing is-number.
   */
  @Test
  void npmPackagesFromTheRegistryGoAndNpmLsAgrees() throws Exception {
    Path app = work.resolve("npm/app");
    Files.createDirectories(app);
    Files.writeString(
        app.resolve("package.json"),
        "{\"name\": \"app\", \"version\": \"1.0.0\", \"dependencies\": {\"debug\": \"4.3.4\", \"is-number\": \"7.0.0\"}}");
    Proc.of(
            "npm",
            "install",
            "--prefix",
            app.toString(),
            "--no-audit",
            "--no-fund",
            "--ignore-scripts")
        .timeout(300)
        .check();
    Files.writeString(
        app.resolve("package.json"),
        "{\"name\": \"app\", \"version\": \"1.0.0\", \"dependencies\": {\"debug\": \"4.3.4\"}}");
    Proc.Result before =
        Proc.of(List.of("npm", "ls", "--prefix", app.toString())).timeout(120).run();
    assertTrue(before.output().contains("extraneous"), before.output());
    List<TestImages.Member> members = new ArrayList<>();
    try (Stream<Path> s = Files.walk(app)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (Files.isRegularFile(p)) {
          members.add(TestImages.Member.file("app/" + app.relativize(p), p));
        }
      }
    }
    Path img = work.resolve("npm.tar");
    Files.write(img, TestImages.dockerArchive(TestImages.tar(members)));
    CliTest.Run ms =
        CliTest.cli(
            "squash",
            img.toString(),
            "-o",
            work.resolve("ms.tar").toString(),
            "--remove-package",
            "npm:ms");
    assertEquals(2, ms.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove npm:ms (/app/node_modules/ms): kept packages "
            + "depend on it: npm:debug (/app/node_modules/debug)",
        ms.err.strip());
    Path out = work.resolve("npm-out.tar");
    CliTest.Run r =
        CliTest.cli(
            "squash", img.toString(), "-o", out.toString(), "--remove-package", "npm:is-number");
    assertEquals(0, r.exit, r.err);
    Path root = DebianRoot.unpack(work, "docker-archive:" + out, "npm");
    assertFalse(Files.exists(root.resolve("app/node_modules/is-number")));
    assertFalse(
        Files.readString(root.resolve("app/node_modules/.package-lock.json"))
            .contains("is-number"));
    Proc.Result after =
        Proc.of(List.of("npm", "ls", "--all", "--prefix", root.resolve("app").toString()))
            .timeout(120)
            .run();
    assertEquals(0, after.exit(), after.output());
    assertTrue(
        after.output().contains("debug@4.3.4") && after.output().contains("ms@"), after.output());
  }
}
