package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --remove-package pip:NAME} on distributions that real pip installed: pip, setuptools and
 * wheel from the wheels Debian ships, and demo (which requires wheel), in a layer over the Debian
 * image of {@code DebianPackagesTest} (testdata/debian/build-pip-image.sh). Each result is checked
 * by pip itself in a chroot: pip show, pip list, pip check.
 */
@Tag("integration") // debootstrap, chroot, root, umoci and the Debian mirror
class DebianPipTest {
  static final String SITE = "/usr/local/lib/python3.11/dist-packages/";
  @TempDir static Path work;
  static String image;

  @BeforeAll
  static void build() throws Exception {
    Path debian = Path.of("target", "debian-image").toAbsolutePath();
    Proc.of(
            "bash",
            TestData.dir().resolve("debian/build-debian-image.sh").toString(),
            debian.toString())
        .timeout(2400)
        .check();
    Path pip = Path.of("target", "debian-pip-image").toAbsolutePath();
    Proc.of(
            "bash",
            TestData.dir().resolve("debian/build-pip-image.sh").toString(),
            debian.resolve("layout").toString(),
            pip.toString())
        .timeout(900)
        .check();
    image = "oci:" + pip.resolve("layout") + ":pip";
  }

  /** Squashes with these options into an OCI layout and unpacks it; returns the root. */
  static Path squashAndUnpack(String name, String... options) throws Exception {
    Path out = work.resolve(name + "-layout");
    List<String> args = new java.util.ArrayList<>(List.of("squash", image, "-o", "oci:" + out));
    args.addAll(List.of(options));
    CliTest.Run r = CliTest.cli(args.toArray(String[]::new));
    assertEquals(0, r.exit, r.err);
    return DebianRoot.umoci(work, out.toString(), name);
  }

  @Test
  void setuptoolsGoesAndPipAgrees() throws Exception {
    Path root = squashAndUnpack("nosetuptools", "--remove-package", "pip:setuptools");
    Proc.Result show = DebianRoot.run(root, "pip show setuptools");
    assertTrue(
        show.exit() != 0 && show.output().contains("Package(s) not found: setuptools"),
        show.output());
    Proc.Result list = DebianRoot.run(root, "pip list --format=freeze --disable-pip-version-check");
    assertEquals(0, list.exit(), list.output());
    assertEquals(
        List.of("demo==1.0", "pip==23.0.1", "wheel==0.38.4"),
        list.output()
            .strip()
            .lines()
            .filter(l -> l.matches("(demo|pip|wheel|setuptools)==.*"))
            .toList(),
        list.output());
    Proc.Result check = DebianRoot.run(root, "pip check");
    assertEquals(0, check.exit(), check.output());
    assertEquals("No broken requirements found.", check.output().strip());
    for (String gone :
        List.of(
            "setuptools",
            "setuptools-66.1.1.dist-info",
            "pkg_resources",
            "_distutils_hack",
            "distutils-precedence.pth")) {
      assertFalse(Files.exists(root.resolve(SITE.substring(1) + gone)), gone);
    }
    Proc.Result kept =
        DebianRoot.run(
            root,
            "python3 -c 'import demo, wheel; print(wheel.__version__)' && ! python3 -c 'import setuptools' 2>/dev/null");
    assertEquals("0.38.4", kept.output().strip());
    assertEquals(0, kept.exit(), kept.output());
  }

  @Test
  void wheelIsRefusedWhileDemoRequiresItAndForceRemovesIt() throws Exception {
    CliTest.Run refused =
        CliTest.cli(
            "squash",
            image,
            "-o",
            work.resolve("refused.tar").toString(),
            "--remove-package",
            "pip:wheel");
    assertEquals(2, refused.exit);
    assertEquals(
        "ocisquash: error: --remove-package: cannot remove pip:wheel ("
            + SITE
            + "wheel-0.38.4.dist-info): kept packages depend on it: pip:demo ("
            + SITE
            + "demo-1.0.dist-info)",
        refused.err.strip());
    assertFalse(Files.exists(work.resolve("refused.tar")), "nothing written");
    Path root = squashAndUnpack("nowheel", "--remove-package", "pip:wheel", "--force");
    assertFalse(Files.exists(root.resolve(SITE.substring(1) + "wheel")));
    assertFalse(Files.exists(root.resolve("usr/local/bin/wheel")), "its console script too");
    Proc.Result show = DebianRoot.run(root, "pip show wheel");
    assertTrue(show.exit() != 0, show.output());
    // what --force overrode, as pip sees it
    Proc.Result check = DebianRoot.run(root, "pip check");
    assertEquals(1, check.exit(), check.output());
    assertEquals("demo 1.0 requires wheel, which is not installed.", check.output().strip());
    Proc.Result setuptools =
        DebianRoot.run(root, "python3 -c 'import setuptools; print(setuptools.__version__)'");
    assertEquals("66.1.1", setuptools.output().strip());
  }
}
