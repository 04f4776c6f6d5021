package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull and push through a real squid, as docker and skopeo do with HTTP_PROXY / HTTPS_PROXY: a
 * plain-HTTP registry (absolute-form requests) and a TLS one (a CONNECT tunnel), through squid's
 * open port and through its port that wants proxy auth (credentials from the proxy URL), and
 * NO_PROXY sending a request past squid. The registries are named {@link Squid#NAME}, which only
 * squid resolves, and squid's access log proves what went through it. The CLI runs in a fresh JVM,
 * since the proxy settings are environment variables.
 */
@Tag("integration") // docker-registry, squid, skopeo, root
class RegistryProxyTest {
  @TempDir static Path work;
  static LocalRegistry plain;
  static LocalRegistry tls;
  static Squid squid;

  @BeforeAll
  static void start() throws Exception {
    plain = LocalRegistry.plain(work.resolve("plain"));
    tls = LocalRegistry.tls(work.resolve("tls"), null, null);
    squid = Squid.start();
    plain.pushSample();
    Proc.of(
            "skopeo",
            "copy",
            "--dest-cert-dir",
            tls.certDir.toString(),
            "docker-archive:" + TestData.sample(),
            tls.ref("src/busybox:1"))
        .timeout(120)
        .check();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {squid, plain, tls}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the next one still stops
      }
    }
  }

  /**
   * {@code docker://registry.proxied.test:PORT/REPO}: the registry by a name only squid resolves.
   */
  private static String proxied(LocalRegistry r, String repoAndTag) {
    return "docker://" + Squid.NAME + ":" + r.port + "/" + repoAndTag;
  }

  /**
   * Runs the CLI in a fresh JVM with these proxy variables (and no others from this process's
   * environment).
   */
  private static Proc.Result cli(Map<String, String> env, String... args) throws Exception {
    Proc p =
        Proc.java(List.of(), Main.class, args)
            .env(env)
            .timeout(300); // env is applied after the unsets
    for (String v : List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")) {
      p.unset(v, v.toLowerCase(java.util.Locale.ROOT));
    }
    return p.run();
  }

  private static List<String> newLog(int from) throws Exception {
    List<String> all = squid.log();
    return all.subList(Math.min(from, all.size()), all.size());
  }

  private static void squashThrough(
      LocalRegistry reg, String proxyVar, String proxyUrl, String tag, String user)
      throws Exception {
    int mark = squid.log().size();
    Map<String, String> env =
        new HashMap<>(Map.of(proxyVar, proxyUrl, "NO_PROXY", "other.test,.proxied.tes"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "squash",
                proxied(reg, "src/busybox:1"),
                "-o",
                proxied(reg, "dst/busybox:" + tag),
                "--debug"));
    if (reg == tls) {
      args.addAll(List.of("--cert-dir", reg.certDir.toString()));
    } else {
      args.add("--tls-verify=false");
    }
    Proc.Result r = cli(env, args.toArray(new String[0]));
    assertEquals(0, r.exit(), r.output());
    String shown = proxyUrl.replaceAll("//.*@", "//");
    assertTrue(r.output().contains("via proxy " + shown + " (" + proxyVar + ")"), r.output());
    assertFalse(
        r.output().contains(Squid.PASS), "the proxy password is never printed:\n" + r.output());
    List<String> seen = newLog(mark);
    String who = " " + (user == null ? "-" : user) + " ";
    if (reg == tls) {
      assertTrue(
          seen.stream().anyMatch(l -> l.contains(" CONNECT " + Squid.NAME + ":" + reg.port + who)),
          String.join("\n", seen));
    } else {
      for (String req :
          List.of(
              "GET http://" + Squid.NAME + ":" + reg.port + "/v2/src/busybox/manifests/1" + who,
              "PUT http://"
                  + Squid.NAME
                  + ":"
                  + reg.port
                  + "/v2/dst/busybox/manifests/"
                  + tag
                  + who)) {
        assertTrue(
            seen.stream().anyMatch(l -> l.contains(req)),
            req + " not in:\n" + String.join("\n", seen));
      }
    }
    String inspect =
        reg == tls
            ? Proc.of(
                    "skopeo",
                    "inspect",
                    "--cert-dir",
                    reg.certDir.toString(),
                    reg.ref("dst/busybox:" + tag))
                .timeout(60)
                .check()
            : reg.skopeo("inspect", reg.ref("dst/busybox:" + tag));
    assertTrue(inspect.contains("\"OCISQUASH_SAMPLE=1\""), inspect);
  }

  @Test
  void plainHttpRegistryThroughTheOpenPort() throws Exception {
    squashThrough(plain, "HTTP_PROXY", squid.openUrl(), "open", null);
  }

  @Test
  void plainHttpRegistryWithProxyCredentials() throws Exception {
    squashThrough(plain, "http_proxy", squid.authUrl(Squid.USER, Squid.PASS), "authed", Squid.USER);
  }

  @Test
  void tlsRegistryThroughAConnectTunnel() throws Exception {
    squashThrough(tls, "HTTPS_PROXY", squid.openUrl(), "open", null);
  }

  @Test
  void tlsRegistryThroughAConnectTunnelWithProxyCredentials() throws Exception {
    squashThrough(tls, "https_proxy", squid.authUrl(Squid.USER, Squid.PASS), "authed", Squid.USER);
  }

  @Test
  void wrongProxyCredentialsFailInOneLine() throws Exception {
    Proc.Result r =
        cli(
            Map.of("HTTPS_PROXY", squid.authUrl(Squid.USER, "wrong")),
            "squash",
            proxied(tls, "src/busybox:1"),
            "-o",
            proxied(tls, "dst/busybox:denied"),
            "--cert-dir",
            tls.certDir.toString());
    assertEquals(8, r.exit(), r.output());
    String out = r.output().strip();
    assertEquals(1, out.lines().count(), out);
    assertTrue(
        out.startsWith(
            "ocisquash: error: registry "
                + Squid.NAME
                + ":"
                + tls.port
                + ", repository src/busybox: connect: "),
        out);
    assertTrue(out.contains("407"), out);
  }

  @Test
  void noProxyGoesPastTheProxy() throws Exception {
    int mark = squid.log().size();
    Proc.Result r =
        cli(
            Map.of("HTTPS_PROXY", squid.openUrl(), "NO_PROXY", "example.org,proxied.test"),
            "squash",
            proxied(tls, "src/busybox:1"),
            "-o",
            proxied(tls, "dst/busybox:direct"),
            "--cert-dir",
            tls.certDir.toString(),
            "--debug");
    // Directly, the name does not resolve: the request never reached squid.
    assertEquals(8, r.exit(), r.output());
    assertTrue(r.output().contains("direct (no proxy)"), r.output());
    assertTrue(
        r.output()
            .contains(
                "ocisquash: error: registry "
                    + Squid.NAME
                    + ":"
                    + tls.port
                    + ", repository src/busybox: connect: "),
        r.output());
    assertEquals(List.of(), newLog(mark));
  }
}
