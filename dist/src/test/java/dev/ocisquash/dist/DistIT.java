package dev.ocisquash.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball built by build-dist.sh, unpacked the way a user would: it runs with no Java on PATH
 * (a fake {@code java} that would leave a mark is first on PATH and JAVA_HOME names it), loads its
 * own codecs and JNA stub, and writes the same bytes as the development build ({@code
 * cli/target/ocisquash} on the system JDK).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("integration") // runs the built tarball
class DistIT {
  @TempDir static Path tmp;

  private final Path tarball = Path.of(System.getProperty("dist.tarball"));
  private final String version = System.getProperty("dist.version");
  private final String modules = System.getProperty("dist.modules");
  private final Path sample = TestData.repo().resolve("testdata/sample/busybox-sample.tar");
  private final Path devLauncher = TestData.repo().resolve("cli/target/ocisquash");
  private Path home;
  private Path fakeJavaDir;
  private Map<String, String> bareEnv;

  @BeforeAll
  void unpack() throws Exception {
    Path root = tmp.resolve("unpacked here");
    Files.createDirectories(root);
    Proc.of("tar", "-C", root.toString(), "-xzf", tarball.toString()).timeout(120).check();
    home = root.resolve("ocisquash-" + version);
    fakeJavaDir = tmp.resolve("fake-java");
    Files.createDirectories(fakeJavaDir.resolve("bin"));
    for (Path java : List.of(fakeJavaDir.resolve("java"), fakeJavaDir.resolve("bin/java"))) {
      Files.writeString(java, "#!/bin/sh\ntouch '" + fakeJavaDir.resolve("used") + "'\nexit 99\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    // As a user would: a symlink on PATH to the unpacked launcher (run by its path: ProcessBuilder
    // searches this
    // process's PATH, not the child's).
    Files.createSymbolicLink(fakeJavaDir.resolve("ocisquash"), home.resolve("bin/ocisquash"));
    bareEnv =
        Map.of(
            "PATH", fakeJavaDir + ":/usr/bin:/bin",
            "JAVA_HOME", fakeJavaDir.toString(),
            "HOME", tmp.toString());
  }

  private String dist(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = fakeJavaDir.resolve("ocisquash").toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    String out = Proc.of(cmd).clearEnv().env(bareEnv).timeout(300).check();
    assertFalse(Files.exists(fakeJavaDir.resolve("used")), "a java other than the bundled one ran");
    return out;
  }

  @Test
  void holdsTheRuntimeTheJarTheLauncherAndTheCodecsWithTheirLicenses() throws Exception {
    assertTrue(Files.isExecutable(home.resolve("bin/ocisquash")));
    assertTrue(Files.isExecutable(home.resolve("runtime/bin/java")));
    assertTrue(Files.isRegularFile(home.resolve("lib/ocisquash.jar")));
    for (String f : List.of("libisal.so.2", "libdeflate.so.0", "libjnidispatch.so")) {
      assertTrue(Files.isRegularFile(home.resolve("lib/native/" + f)), f);
    }
    for (String pkg : List.of("libisal2", "libdeflate0")) {
      String copyright = Files.readString(home.resolve("licenses/" + pkg + ".copyright"));
      assertTrue(copyright.contains("License:"), pkg + ": " + copyright);
      assertTrue(
          Files.readString(home.resolve("licenses/native-packages.txt")).contains(pkg + " "));
    }
    assertTrue(
        Files.readString(home.resolve("LICENSE")).contains("Apache License"),
        "ocisquash's own license");
    assertTrue(Files.isDirectory(home.resolve("runtime/legal/java.base")));
    // Only the linked modules: no JDK tools, no other module's classes.
    String linked = Files.readString(home.resolve("runtime/release"));
    assertTrue(linked.contains("MODULES=\"" + modules.replace(',', ' ') + "\""), linked);
    try (Stream<Path> bin = Files.list(home.resolve("runtime/bin"))) {
      assertEquals(List.of("java"), bin.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void versionNamesTheReleaseAndTheBundledCodecs() throws Exception {
    String out = dist("--version");
    assertTrue(out.startsWith("ocisquash " + version + "\n"), out);
    String isal = Files.readSymbolicLink(home.resolve("lib/native/libisal.so.2")).toString();
    // The default gzip encoder is the bundled libdeflate; level 1 and gunzip use the bundled ISA-L.
    assertTrue(out.contains("gzip: libdeflate (libdeflate.so.0)"), out);
    assertTrue(out.contains("gunzip: ISA-L") && out.contains("(" + isal + ")"), out);
  }

  @Test
  void loadsJnasStubAndIsalFromLibNative() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(bareEnv);
    env.put("OCISQUASH_JAVA_OPTS", "-Djna.debug_load=true -Djna.debug_load.jna=true");
    String out =
        Proc.of(fakeJavaDir.resolve("ocisquash").toString(), "--version")
            .clearEnv()
            .env(env)
            .timeout(120)
            .check();
    Path nat = home.toRealPath().resolve("lib/native");
    assertTrue(out.contains("Found jnidispatch at " + nat.resolve("libjnidispatch.so")), out);
    assertTrue(out.contains("Found library '" + nat.resolve("libisal.so.2") + "'"), out);
  }

  @Test
  void squashesTheSampleToTheSameBytesAsTheDevelopmentBuild() throws Exception {
    assertTrue(Files.isExecutable(devLauncher), devLauncher + " (built by the cli module)");
    for (List<String> opts :
        List.of(
            List.<String>of(),
            List.of("--compression", "gzip"),
            List.of("--compression", "zstd", "--format", "oci", "--preset", "safe"))) {
      Path fromDist = tmp.resolve("dist.tar");
      Path fromDev = tmp.resolve("dev.tar");
      Files.deleteIfExists(fromDist);
      Files.deleteIfExists(fromDev);
      List<String> args = new java.util.ArrayList<>(List.of("squash", sample.toString(), "-o"));
      dist(concat(args, fromDist.toString(), opts));
      Proc.of(
              concat(
                  new java.util.ArrayList<>(
                      List.of(devLauncher.toString(), "squash", sample.toString(), "-o")),
                  fromDev.toString(),
                  opts))
          .timeout(300)
          .check();
      assertArrayEquals(
          Files.readAllBytes(fromDev), Files.readAllBytes(fromDist), "squash " + opts);
    }
  }

  @Test
  void runsAnalyzeWithItsReportsAndListsThePresets() throws Exception {
    Path json = tmp.resolve("a.json");
    Path html = tmp.resolve("a.html");
    String out =
        dist(
            "analyze",
            sample.toString(),
            "--json",
            json.toString(),
            "--html",
            html.toString(),
            "--duplicates",
            "--preset",
            "safe");
    assertTrue(out.contains("REPEATED COPIES"), out);
    assertTrue(Files.readString(json).contains("\"schemaVersion\""), Files.readString(json));
    assertTrue(Files.readString(html).contains("<html"));
    assertTrue(dist("presets").contains("package-manager-caches"));
  }

  @Test
  void twoBuildsGiveTheSameTarball() throws Exception {
    Path again = tmp.resolve("again");
    Path script = TestData.repo().resolve("dist/src/main/sh/build-dist.sh");
    Proc.of(
            "bash",
            script.toString(),
            TestData.repo().resolve("cli/target/ocisquash.jar").toString(),
            TestData.repo().resolve("cli/src/main/sh/ocisquash").toString(),
            again.toString(),
            version,
            modules,
            TestData.repo().resolve("LICENSE").toString())
        .clearEnv()
        .env(buildEnv())
        .timeout(600)
        .check();
    assertArrayEquals(
        Files.readAllBytes(tarball),
        Files.readAllBytes(again.resolve(tarball.getFileName())),
        "tarball differs");
  }

  /**
   * Registry to registry over TLS with the bundled runtime: an ECDSA certificate with an ECDHE
   * handshake needs jdk.crypto.ec linked. Debian's docker-registry on 127.0.0.1, its certificate
   * signed by a fresh CA given with --cert-dir.
   */
  @Test
  void squashesRegistryToRegistryOverTls() throws Exception {
    Path d = tmp.resolve("registry");
    Path certs = d.resolve("certs");
    Files.createDirectories(certs);
    String ca = certs.resolve("ca.crt").toString();
    String caKey = d.resolve("ca.key").toString();
    Proc.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=ocisquash test CA",
            "-keyout",
            caKey,
            "-out",
            ca)
        .timeout(60)
        .check();
    Proc.of(
            "openssl",
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            d + "/server.key",
            "-out",
            d + "/server.csr")
        .timeout(60)
        .check();
    Path ext = d.resolve("san.ext");
    Files.writeString(ext, "subjectAltName=IP:127.0.0.1\n");
    Proc.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            d + "/server.csr",
            "-CA",
            ca,
            "-CAkey",
            caKey,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            ext.toString(),
            "-out",
            d + "/server.crt")
        .timeout(60)
        .check();
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path cfg = d.resolve("config.yml");
    Files.writeString(
        cfg,
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
            + d
            + "/data\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n  tls:\n    certificate: "
            + d
            + "/server.crt\n    key: "
            + d
            + "/server.key\n");
    Process registry =
        Proc.of("docker-registry", "serve", cfg.toString()).start(d.resolve("registry.log"));
    try {
      String host = "127.0.0.1:" + port;
      for (int i = 0; i < 100; i++) {
        try (java.net.Socket s =
            new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
          break;
        } catch (java.io.IOException notYet) {
          Thread.sleep(100);
        }
      }
      Proc.of(
              "skopeo",
              "copy",
              "-q",
              "--dest-cert-dir",
              certs.toString(),
              "docker-archive:" + sample,
              "docker://" + host + "/src/busybox:1")
          .timeout(120)
          .check();
      String out =
          dist(
              "squash",
              "docker://" + host + "/src/busybox:1",
              "-o",
              "docker://" + host + "/dst/busybox:sq",
              "--cert-dir",
              certs.toString());
      assertTrue(out.contains("layers   3 -> 1"), out);
      String inspected =
          Proc.of(
                  "skopeo",
                  "inspect",
                  "--cert-dir",
                  certs.toString(),
                  "docker://" + host + "/dst/busybox:sq")
              .timeout(120)
              .check();
      assertTrue(inspected.contains("\"Layers\""), inspected);
    } finally {
      registry.destroy();
      registry.waitFor();
    }
  }

  /** What the build scripts see under Maven: the JDK, PATH and SOURCE_DATE_EPOCH when it is set. */
  static Map<String, String> buildEnv() {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("PATH", System.getenv("PATH"));
    if (System.getenv("SOURCE_DATE_EPOCH") != null) {
      env.put("SOURCE_DATE_EPOCH", System.getenv("SOURCE_DATE_EPOCH"));
    }
    return env;
  }

  private static String[] concat(List<String> head, String out, List<String> tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.add(out);
    all.addAll(tail);
    return all.toArray(String[]::new);
  }
}
