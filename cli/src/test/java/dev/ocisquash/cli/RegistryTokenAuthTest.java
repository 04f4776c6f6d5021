package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer token auth: docker-registry on 127.0.0.1 sends clients to a token issuer (in the test)
 * through {@code WWW-Authenticate: Bearer realm=,service=,scope=}. One token covers the pull, the
 * push and the mount source. The token flow's details and its failures are unit tests in core
 * (dev.ocisquash.registry.RegistryTokenTest).
 */
@Tag("integration") // docker-registry, skopeo, root
class RegistryTokenAuthTest {
  @TempDir static Path work;
  static TokenIssuer issuer;
  static LocalRegistry reg;
  static final String CREDS = "bob:t0ken-pass";

  @BeforeAll
  static void start() throws Exception {
    issuer = new TokenIssuer(work.resolve("issuer"), "bob", "t0ken-pass");
    reg = LocalRegistry.withTokens(work.resolve("registry"), issuer);
    reg.pushSample("--dest-creds", CREDS);
  }

  @AfterAll
  static void stop() {
    if (reg != null) {
      reg.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Test
  void aTokenForEveryScopeTheRunNeeds() throws Exception {
    int mark = reg.requests().size();
    int asked = issuer.requests.size();
    Run r =
        CliTest.cli(
            "squash",
            reg.ref("src/busybox:1"),
            "-o",
            reg.ref("dst/busybox:sq"),
            "--from",
            "1",
            "--tls-verify=false",
            "--creds",
            CREDS);
    assertEquals(0, r.exit, r.err);
    assertEquals(
        1,
        reg.count(
            mark,
            "POST /v2/dst/busybox/blobs/uploads/\\?mount=.*&from=src/busybox HTTP/1.1\" 201"));
    List<List<String>> mine = issuer.requests.subList(asked, issuer.requests.size());
    assertTrue(
        mine.stream()
            .anyMatch(
                s ->
                    s.contains("repository:src/busybox:pull")
                        && s.contains("repository:dst/busybox:pull,push")),
        mine.toString());
    String inspect = reg.skopeo("inspect", "--creds", CREDS, reg.ref("dst/busybox:sq"));
    assertTrue(inspect.contains("\"OCISQUASH_SAMPLE=1\""), inspect);
  }
}
