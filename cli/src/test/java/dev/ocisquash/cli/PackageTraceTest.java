package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence-based removal on the Debian strip-test image (python3-numpy, openjdk-17-jdk-headless,
 * gcc): a numpy workload and {@code java -version} with a {@code java Hello.java} are traced with
 * {@code ocisquash trace}, the two traces merge, and {@code squash --preset safe --trace ...
 * --remove-untouched-packages} must remove the compiler tool chain. Independent tools then check
 * the result: umoci unpacks it, the traced workloads run in a chroot, dpkg and apt find their
 * databases consistent, and every kept package's files are there but for what the preset stripped.
 */
@Tag("integration") // debootstrap, chroot, strace, root
class PackageTraceTest {
  static final String NUMPY =
      "import numpy, numpy.linalg, numpy.fft; a = numpy.arange(16.0).reshape(4, 4) + numpy.eye(4);"
          + " print(round(numpy.linalg.inv(a).sum(), 6), round(abs(numpy.fft.fft(numpy.arange(8))).sum(), 3))";
  static final String JAVA =
      "java -version 2>&1 && d=$(mktemp -d) && printf 'public class Hello { public static void main(String[] a)"
          + " { System.out.println(\"hello \" + java.util.List.of(1, 2)); } }\\n' > $d/Hello.java"
          + " && java $d/Hello.java";

  @TempDir static Path work;
  static Path image;
  static JsonNode safe;
  static JsonNode untouched;
  static Path rootfs;

  @BeforeAll
  static void traceSquashAndUnpack() throws Exception {
    Path cache = Path.of("target", "debian-image").toAbsolutePath();
    Proc.of(
            "bash",
            TestData.dir().resolve("debian/build-debian-image.sh").toString(),
            cache.toString())
        .timeout(2400)
        .check();
    image = cache.resolve("debian.docker.tar");
    Path numpy = work.resolve("numpy.json");
    Path java = work.resolve("java.json");
    assertEquals(
        0,
        InteropTest.runCli(
            "trace", image.toString(), "-o", numpy.toString(), "--", "python3", "-c", NUMPY));
    assertEquals(
        0,
        InteropTest.runCli(
            "trace", image.toString(), "-o", java.toString(), "--", "sh", "-c", JAVA));
    Path safeJson = work.resolve("safe.json");
    assertEquals(
        0,
        InteropTest.runCli(
            "squash",
            image.toString(),
            "-o",
            work.resolve("safe.tar").toString(),
            "--preset",
            "safe",
            "--report-json",
            safeJson.toString(),
            "-q"));
    Path out = work.resolve("untouched.tar");
    Path json = work.resolve("untouched.json");
    assertEquals(
        0,
        InteropTest.runCli(
            "squash",
            image.toString(),
            "-o",
            out.toString(),
            "--preset",
            "safe",
            "--trace",
            numpy.toString(),
            "--trace",
            java.toString(),
            "--remove-untouched-packages",
            "--report-json",
            json.toString(),
            "-q"));
    ObjectMapper m = new ObjectMapper();
    safe = m.readTree(safeJson.toFile());
    untouched = m.readTree(json.toFile());
    rootfs = DebianRoot.unpack(work, "docker-archive:" + out, "untouched");
    System.out.printf(
        "removed beyond --preset safe: %.1f MiB (%d packages)%n",
        (untouched.path("bytesRemoved").asLong() - safe.path("bytesRemoved").asLong()) / 1048576.0,
        untouched.path("packagesRemoved").size());
  }

  static Set<String> removedPackages() {
    Set<String> names = new HashSet<>();
    // "dpkg:gcc-12 12.2.0-14", "dpkg:libc6-dev:amd64 2.36-9": the name without ecosystem, arch and
    // version
    untouched
        .path("packagesRemoved")
        .forEach(p -> names.add(p.asText().split(" ", -1)[0].split(":", -1)[1]));
    return names;
  }

  @Test
  void theToolChainNothingTouchedIsRemovedAndTheImageShrinksBeyondThePreset() {
    Set<String> removed = removedPackages();
    for (String p :
        List.of(
            "gcc",
            "gcc-12",
            "cpp",
            "cpp-12",
            "binutils",
            "libc6-dev",
            "libgcc-12-dev",
            "libc-dev-bin")) {
      assertTrue(removed.contains(p), p + " was not removed: " + removed);
    }
    for (String p :
        List.of("python3-numpy", "libc6", "openjdk-17-jre-headless", "python3.11-minimal")) {
      assertTrue(!removed.contains(p), p + " was touched and must stay");
    }
    long beyond = untouched.path("bytesRemoved").asLong() - safe.path("bytesRemoved").asLong();
    assertTrue(
        beyond > 100L << 20,
        "removing gcc, binutils and the dev packages saves more than 100 MiB: " + beyond);
    // the report lists every removed package with its size: one rule per package in the rule totals
    for (JsonNode p : untouched.path("packagesRemoved")) {
      String rule = "package:" + p.asText().split(" ", -1)[0];
      assertTrue(untouched.path("ruleTotals").has(rule), "no size for " + rule);
    }
  }

  @Test
  void theTracedWorkloadsStillRun() throws Exception {
    assertEquals(
        "-0.081633 72.878", DebianRoot.check(rootfs, "python3 -c '" + NUMPY + "'").strip());
    String java = DebianRoot.check(rootfs, JAVA);
    assertTrue(java.contains("openjdk version \"17") && java.contains("hello [1, 2]"), java);
  }

  @Test
  void dpkgAndAptFindTheDatabaseConsistent() throws Exception {
    assertEquals("", DebianRoot.check(rootfs, "dpkg --audit").strip());
    DebianRoot.check(rootfs, "apt-get check"); // Proc.check fails on a non-zero exit
    Set<String> listed = new HashSet<>();
    for (String line :
        DebianRoot.check(rootfs, "dpkg-query -W -f '${Package}\\n'").lines().toList()) {
      listed.add(line.strip());
    }
    Set<String> still = new HashSet<>(removedPackages());
    still.retainAll(listed);
    assertTrue(still.isEmpty(), "dpkg still lists removed packages: " + still);
  }

  @Test
  void everyKeptPackageHasItsFilesButWhatThePresetStripped() throws Exception {
    Set<String> byPreset = new HashSet<>();
    for (JsonNode d : untouched.path("decisions")) {
      if (d.path("action").asText().equals("removed")
          && !d.path("rule").asText().startsWith("package:")) {
        byPreset.add(d.path("path").asText());
      }
    }
    String listing =
        DebianRoot.check(
            rootfs,
            "for p in $(dpkg-query -W -f '${binary:Package}\\n'); do dpkg -L $p | sed \"s|^|$p |\"; done");
    List<String> missing = new ArrayList<>();
    Path real = rootfs.toRealPath();
    for (String line : listing.split("\n", -1)) {
      int sp = line.indexOf(' ');
      String path = line.substring(sp + 1);
      if (!path.startsWith("/") || path.equals("/.")) {
        continue;
      }
      Path p = rootfs.resolve(path.substring(1));
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      // the path as the image holds it: /lib/x/y is /usr/lib/x/y once /lib is a symlink to usr/lib
      String canonical = path;
      if (Files.isDirectory(p.getParent())) {
        Path dir = p.getParent().toRealPath();
        canonical = "/" + real.relativize(dir.resolve(p.getFileName()));
        if (Files.exists(dir.resolve(p.getFileName()), LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
      }
      if (byPreset.contains(path) || byPreset.contains(canonical)) {
        continue;
      }
      missing.add(line);
    }
    assertTrue(
        missing.isEmpty(),
        missing.size() + " listed paths of kept packages are missing: " + missing);
  }
}
