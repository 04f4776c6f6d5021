package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocisquash trace} on a small image made with umoci from the host's dash, cat and C library
 * (usr-merged: {@code /bin -> usr/bin}, {@code /lib -> usr/lib}), with WorkingDir /srv, an Env
 * entry and User app (1000), and a file only root may read. Checks a command that forks and execs,
 * one that reads through symlinks, one that fails, and that the image's Env, WorkingDir and User
 * are what the command gets.
 */
@Tag("integration") // strace, unshare, chroot, umoci, root
class TraceCommandTest {
  @TempDir static Path work;
  static Path layout;
  static String image;

  @BeforeAll
  static void buildImage() throws Exception {
    layout = work.resolve("layout");
    String script =
        "set -e; L=$1; B=$2; umoci --log=error init --layout $L; umoci --log=error new --image $L:t\n"
            + "umoci --log=error unpack --image $L:t $B >/dev/null; R=$B/rootfs\n"
            + "mkdir -p $R/usr/bin $R/usr/lib/x86_64-linux-gnu $R/lib64 $R/srv $R/etc $R/tmp\n"
            + "cp /usr/bin/dash $R/usr/bin/sh; cp /usr/bin/cat $R/usr/bin/cat\n"
            + "cp /lib/x86_64-linux-gnu/libc.so.6 $R/usr/lib/x86_64-linux-gnu/\n"
            + "cp /lib64/ld-linux-x86-64.so.2 $R/usr/lib/x86_64-linux-gnu/\n"
            + "ln -s ../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 $R/lib64/ld-linux-x86-64.so.2\n"
            + "ln -s usr/bin $R/bin; ln -s usr/lib $R/lib\n"
            + "echo data > $R/srv/file; ln -s file $R/srv/link; ln -s /srv $R/alias; echo unused > $R/srv/unused\n"
            + "echo secret > $R/srv/secret; chmod 600 $R/srv/secret\n"
            + "printf 'root:x:0:0::/root:/bin/sh\\napp:x:1000:1000::/srv:/bin/sh\\n' > $R/etc/passwd\n"
            + "printf 'root:x:0:\\napp:x:1000:\\n' > $R/etc/group\n"
            + "umoci --log=error repack --image $L:t $B\n"
            + "umoci --log=error config --image $L:t --config.workingdir /srv --config.env PATH=/usr/bin:/bin"
            + " --config.env FOO=bar --config.user app\n";
    Proc.of("bash", "-c", script, "sh", layout.toString(), work.resolve("bundle").toString())
        .timeout(120)
        .check();
    image = "oci:" + layout + ":t";
  }

  static Set<String> paths(Path trace) throws Exception {
    JsonNode t = new ObjectMapper().readTree(trace.toFile());
    assertEquals("ocisquash-trace", t.path("format").asText());
    assertEquals(1, t.path("version").asInt());
    Set<String> out = new HashSet<>();
    t.path("paths").forEach(p -> out.add(p.asText()));
    return out;
  }

  @Test
  void aCommandThatForksAndExecsIsFollowedIntoItsChildren() throws Exception {
    Path t = work.resolve("fork.json");
    assertEquals(
        0,
        InteropTest.runCli(
            "trace",
            image,
            "-o",
            t.toString(),
            "--",
            "sh",
            "-c",
            "cat file & wait; exec cat link"));
    Set<String> p = paths(t);
    assertTrue(
        p.containsAll(List.of("/usr/bin/sh", "/usr/bin/cat", "/srv/file", "/srv/link")),
        p.toString());
    // the ELF interpreter the kernel loads without a system call, and the library the loader opens
    assertTrue(
        p.containsAll(
            List.of(
                "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "/usr/lib/x86_64-linux-gnu/libc.so.6")),
        p.toString());
    assertFalse(p.contains("/srv/unused"));
  }

  @Test
  void readingThroughSymlinksRecordsTheLinksAndWhatTheyPointAt() throws Exception {
    Path t = work.resolve("links.json");
    assertEquals(
        0,
        InteropTest.runCli(
            "trace", image, "-o", t.toString(), "--", "/bin/sh", "-c", "cat /alias/link"));
    Set<String> p = paths(t);
    assertTrue(
        p.containsAll(List.of("/bin", "/alias", "/srv/link", "/srv/file", "/usr/bin/sh")),
        p.toString());
    assertFalse(p.contains("/alias/link"), "only paths as the image holds them: " + p);
  }

  @Test
  void aFailingCommandExitsNonZeroAndItsTraceIsWrittenAnyway() throws Exception {
    Path t = work.resolve("fail.json");
    assertEquals(
        1,
        InteropTest.runCli(
            "trace", image, "-o", t.toString(), "--", "sh", "-c", "cat link /nothing; exit 3"));
    Set<String> p = paths(t);
    assertTrue(p.containsAll(List.of("/srv/link", "/srv/file", "/usr/bin/cat")), p.toString());
    assertFalse(p.contains("/nothing"), "a path that does not exist in the image is not recorded");
  }

  @Test
  void theCommandGetsTheImagesEnvWorkingDirAndUser() throws Exception {
    Path t = work.resolve("env.json");
    // FOO from Env, relative paths from WorkingDir /srv, and user app may not read a root-only file
    String check =
        "test \"$FOO\" = bar && test \"$PWD\" = /srv && cat file && ! cat secret 2>/dev/null";
    assertEquals(
        0, InteropTest.runCli("trace", image, "-o", t.toString(), "--", "sh", "-c", check));
    assertTrue(paths(t).contains("/srv/secret"), "a failed open of an existing file counts");
  }

  @Test
  void noNetworkUnlessAsked() throws Exception {
    // /proc/net/dev lists only lo in a new network namespace
    String onlyLo = "n=0; while read l; do n=$((n+1)); done < /proc/net/dev; test $n = 3";
    assertEquals(
        0,
        InteropTest.runCli(
            "trace", image, "-o", work.resolve("net.json").toString(), "--", "sh", "-c", onlyLo));
    assertEquals(
        1,
        InteropTest.runCli(
            "trace",
            image,
            "-o",
            work.resolve("host.json").toString(),
            "--network",
            "host",
            "--",
            "sh",
            "-c",
            onlyLo));
    assertEquals(
        2,
        InteropTest.runCli(
            "trace",
            image,
            "-o",
            work.resolve("x.json").toString(),
            "--network",
            "bridge",
            "--",
            "sh"));
  }

  /**
   * Whether this kernel lets an unprivileged user create user namespaces, from its sysctls:
   * Debian's kernel.unprivileged_userns_clone, user.max_user_namespaces, and Ubuntu's AppArmor
   * restriction.
   */
  static boolean kernelAllowsUserNamespaces() throws Exception {
    return !sysctlIs("kernel/unprivileged_userns_clone", "0")
        && !sysctlIs("user/max_user_namespaces", "0")
        && !sysctlIs("kernel/apparmor_restrict_unprivileged_userns", "1");
  }

  private static boolean sysctlIs(String name, String value) throws Exception {
    Path p = Path.of("/proc/sys", name);
    return Files.exists(p) && Files.readString(p).strip().equals(value);
  }

  /**
   * The CLI as user nobody (65534), from the shaded jar in a child JVM: where the kernel allows
   * user namespaces the command runs in one and its trace is written; where it does not, one clear
   * line.
   */
  @Test
  void asAUserItRunsInAUserNamespaceWhereTheKernelAllowsIt() throws Exception {
    Path jar = Path.of("target", "ocisquash.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the integration tier runs after package: " + jar);
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    Path home = work.resolve("nobody");
    Files.createDirectories(home.resolve("tmp"));
    Files.copy(jar, home.resolve("ocisquash.jar"));
    Proc.of("cp", "-r", layout.toString(), home.resolve("layout").toString()).timeout(60).check();
    Proc.of("chown", "-R", "65534:65534", home.toString()).timeout(60).check();
    Path t = home.resolve("user.json");
    Proc.Result r =
        Proc.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                Proc.javaBin(),
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + home.resolve("tmp"),
                "-jar",
                home.resolve("ocisquash.jar").toString(),
                "trace",
                "oci:" + home.resolve("layout") + ":t",
                "-o",
                t.toString(),
                "--",
                "sh",
                "-c",
                "cat /alias/link")
            .clearEnv()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("HOME", home.toString())
            .env("TMPDIR", home.resolve("tmp").toString())
            .env("LANG", "C")
            .timeout(300)
            .run();
    if (kernelAllowsUserNamespaces()) {
      assertEquals(0, r.exit(), r.output());
      Set<String> p = paths(t);
      assertTrue(
          p.containsAll(List.of("/usr/bin/sh", "/usr/bin/cat", "/alias", "/srv/link", "/srv/file")),
          p.toString());
      assertFalse(p.contains("/srv/unused"), p.toString());
    } else {
      assertEquals(2, r.exit(), r.output());
      assertEquals(
          "ocisquash: error: ocisquash trace cannot isolate the command: not root, and this kernel does not"
              + " let users create user namespaces (kernel.unprivileged_userns_clone or"
              + " user.max_user_namespaces); run it as root, or trace where the workload runs and give its"
              + " strace log to --trace",
          r.output().strip());
      assertFalse(Files.exists(t), "nothing written");
    }
    try (var left = Files.list(home.resolve("tmp"))) {
      assertEquals(List.of(), left.toList(), "the unpacked image is removed");
    }
  }
}
