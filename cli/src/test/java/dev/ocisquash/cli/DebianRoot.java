package dev.ocisquash.cli;

import dev.ocisquash.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The root file systems of the Debian integration tests ({@code DebianStripTest}, {@code
 * DebianPackagesTest}, {@code DebianPipTest}, {@code PackageTraceTest}): an image unpacked by umoci
 * (the independent implementation), and commands run in a chroot of it with a fresh {@code /proc}
 * and a clean environment. Needs root, skopeo and umoci.
 */
final class DebianRoot {
  private DebianRoot() {}

  /**
   * Copies {@code ref} (any skopeo transport: {@code docker-archive:F}, {@code oci:DIR:TAG}) into
   * an OCI layout with skopeo, unpacks it with umoci, and returns the root file system.
   */
  static Path unpack(Path work, String ref, String name) throws Exception {
    Path layout = work.resolve(name + "-layout");
    Proc.of("skopeo", "copy", "-q", ref, "oci:" + layout + ":img").timeout(600).check();
    return umoci(work, layout + ":img", name);
  }

  /** Unpacks the image {@code layoutRef} ({@code DIR:TAG}) of an OCI layout with umoci. */
  static Path umoci(Path work, String layoutRef, String name) throws Exception {
    Path bundle = work.resolve(name + "-bundle");
    Proc.of("umoci", "--log=error", "unpack", "--image", layoutRef, bundle.toString())
        .timeout(600)
        .check();
    return bundle.resolve("rootfs");
  }

  /**
   * Runs {@code command} with {@code /bin/sh -c} in a chroot of {@code rootfs}, with {@code /proc}
   * mounted for the run, and only PATH and HOME set.
   */
  static Proc.Result run(Path rootfs, String command) throws Exception {
    Path proc = rootfs.resolve("proc");
    Files.createDirectories(proc);
    Proc.of("mount", "-t", "proc", "proc", proc.toString()).timeout(60).check();
    try {
      return Proc.of(
              "chroot",
              rootfs.toString(),
              "/usr/bin/env",
              "-i",
              "PATH=/usr/local/bin:/usr/bin:/bin",
              "HOME=/root",
              "/bin/sh",
              "-c",
              command)
          .timeout(300)
          .run();
    } finally {
      Proc.of("umount", "-l", proc.toString()).timeout(60).run();
    }
  }

  /** {@link #run}, failing unless the command exits 0; returns its output. */
  static String check(Path rootfs, String command) throws Exception {
    Proc.Result r = run(rootfs, command);
    if (r.exit() != 0) {
      throw new AssertionError(
          "in the chroot, exit " + r.exit() + ": " + command + "\n" + r.output());
    }
    return r.output();
  }
}
