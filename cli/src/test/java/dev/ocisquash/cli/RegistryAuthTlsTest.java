package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry on 127.0.0.1 with TLS (a certificate from a CA made by openssl) and htpasswd basic
 * auth: --cert-dir, --tls-verify=false, --creds, auth files ($REGISTRY_AUTH_FILE,
 * ~/.docker/config.json) and a credential helper.
 */
@Tag("integration") // docker-registry, skopeo, root
class RegistryAuthTlsTest {
  @TempDir static Path work;
  static LocalRegistry reg;
  static final String USER = "alice";
  static final String PASS = "s3cret:with-colon";

  @BeforeAll
  static void start() throws Exception {
    reg = LocalRegistry.tls(work.resolve("registry"), USER, PASS);
    Proc.of(
            "skopeo",
            "copy",
            "--dest-cert-dir",
            reg.certDir.toString(),
            "--dest-creds",
            USER + ":" + PASS,
            "docker-archive:" + TestData.sample(),
            reg.ref("src/busybox:1"))
        .timeout(120)
        .check();
  }

  @AfterAll
  static void stop() {
    if (reg != null) {
      reg.close();
    }
  }

  @Test
  void certDirAndCredsPushAndPull() throws Exception {
    Run r =
        CliTest.cli(
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:sq"),
            "--from",
            "1",
            "--cert-dir",
            reg.certDir.toString(),
            "--creds",
            USER + ":" + PASS);
    assertEquals(0, r.exit, r.err);
    String inspect =
        Proc.of(
                "skopeo",
                "inspect",
                "--cert-dir",
                reg.certDir.toString(),
                "--creds",
                USER + ":" + PASS,
                reg.ref("dst/busybox:sq"))
            .timeout(60)
            .check();
    assertTrue(inspect.contains("\"OCISQUASH_SAMPLE=1\""), inspect);
  }

  @Test
  void anUnknownCaFailsInOneLineNamingRegistryAndStep() {
    Run r =
        CliTest.cli(
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:x"),
            "--creds",
            USER + ":" + PASS);
    assertEquals(8, r.exit, r.out);
    String line = r.err.strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(
        line.contains("registry " + reg.host() + ", repository src/busybox: connect:"), line);
    assertTrue(line.contains("--cert-dir"), line);
  }

  @Test
  void tlsVerifyFalseAcceptsTheSelfSignedRegistry() {
    Run r =
        CliTest.cli(
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:noverify"),
            "--tls-verify=false",
            "--creds",
            USER + ":" + PASS);
    assertEquals(0, r.exit, r.err);
  }

  @Test
  void missingOrWrongCredentialsFailWithNothingTagged() throws Exception {
    Run none =
        CliTest.cli(
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:denied"),
            "--cert-dir",
            reg.certDir.toString(),
            "--authfile",
            work.resolve("no-such-auth.json").toString());
    assertEquals(8, none.exit, none.out);
    assertTrue(
        none.err.strip().contains("repository src/busybox: get manifest 1: HTTP 401 unauthorized"),
        none.err);
    Run wrong =
        CliTest.cli(
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:denied"),
            "--cert-dir",
            reg.certDir.toString(),
            "--creds",
            USER + ":wrong");
    assertEquals(8, wrong.exit, wrong.out);
    assertTrue(wrong.err.contains("401"), wrong.err);
    Proc.Result tag =
        Proc.of(
                List.of(
                    "skopeo",
                    "inspect",
                    "--cert-dir",
                    reg.certDir.toString(),
                    "--creds",
                    USER + ":" + PASS,
                    reg.ref("dst/busybox:denied")))
            .timeout(60)
            .run();
    assertEquals(1, tag.exit(), tag.output());
  }

  /**
   * Runs the CLI in a child JVM, whose environment (HOME, PATH, REGISTRY_AUTH_FILE) the test
   * chooses.
   */
  static Proc.Result child(Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.ocisquash.cli.Main"));
    cmd.addAll(List.of(args));
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("HOME", work.resolve("empty-home").toString());
    e.remove("DOCKER_CONFIG");
    return LocalRegistry.runEnv(cmd, e);
  }

  static String authJson() {
    String auth =
        Base64.getEncoder().encodeToString((USER + ":" + PASS).getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\"" + auth + "\"}}}";
  }

  @Test
  void authFilesAndACredentialHelperAreRead() throws Exception {
    Path authFile = work.resolve("auth.json");
    Files.writeString(authFile, authJson());
    Proc.Result viaEnv =
        child(
            Map.of("REGISTRY_AUTH_FILE", authFile.toString()),
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:authfile"),
            "--cert-dir",
            reg.certDir.toString(),
            "-q");
    assertEquals(0, viaEnv.exit(), viaEnv.output());

    Path home = work.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), authJson());
    Proc.Result viaDocker =
        child(
            Map.of("HOME", home.toString()),
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:dockerconfig"),
            "--cert-dir",
            reg.certDir.toString(),
            "-q");
    assertEquals(0, viaDocker.exit(), viaDocker.output());

    // docker-credential-octest answers 'get' for this registry only, as the helper protocol says.
    Path bin = work.resolve("bin");
    Files.createDirectories(bin);
    Path helper = bin.resolve("docker-credential-octest");
    Files.writeString(
        helper,
        "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\n"
            + "[ \"$server\" = '"
            + reg.host()
            + "' ] || { echo 'credentials not found in native keychain'; exit 1; }\n"
            + "printf '{\"ServerURL\":\"%s\",\"Username\":\""
            + USER
            + "\",\"Secret\":\""
            + PASS
            + "\"}' \"$server\"\n");
    helper.toFile().setExecutable(true);
    Path helperHome = work.resolve("helper-home");
    Files.createDirectories(helperHome.resolve(".docker"));
    Files.writeString(
        helperHome.resolve(".docker/config.json"),
        "{\"auths\":{},\"credHelpers\":{\"" + reg.host() + "\":\"octest\"}}");
    Proc.Result viaHelper =
        child(
            Map.of("HOME", helperHome.toString(), "PATH", bin + ":" + System.getenv("PATH")),
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:helper"),
            "--cert-dir",
            reg.certDir.toString(),
            "-q");
    assertEquals(0, viaHelper.exit(), viaHelper.output());
  }
}
