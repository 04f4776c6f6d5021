package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ProxySelector;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each copy changes its own option and keeps every other one; the builder validates. */
class RegistryOptionsTest {
  private static final RegistryOptions ALL =
      new RegistryOptions(
          "u:p",
          Path.of("/auth.json"),
          Path.of("/certs"),
          false,
          3,
          Duration.ofMillis(7),
          ProxySelector.of(null),
          null,
          99,
          Duration.ofSeconds(9));

  @Test
  void eachCopyChangesOneOptionOnly() {
    assertEquals(
        new RegistryOptions(
            "a:b",
            ALL.authFile(),
            ALL.certDir(),
            false,
            3,
            ALL.backoff(),
            ALL.proxySelector(),
            null,
            99,
            ALL.transferWindow()),
        ALL.withCreds("a:b"));
    assertEquals(Path.of("/x"), ALL.withAuthFile(Path.of("/x")).authFile());
    assertEquals(ALL.withAuthFile(Path.of("/x")).withAuthFile(ALL.authFile()), ALL);
    assertEquals(ALL.withCertDir(Path.of("/y")).withCertDir(ALL.certDir()), ALL);
    assertEquals(true, ALL.withTlsVerify(true).tlsVerify());
    assertEquals(ALL.withTlsVerify(true).withTlsVerify(false), ALL);
    RegistryOptions r = ALL.withRetries(8, Duration.ofSeconds(1));
    assertEquals(8, r.attempts());
    assertEquals(Duration.ofSeconds(1), r.backoff());
    assertEquals(r.withRetries(3, Duration.ofMillis(7)), ALL);
    assertEquals(null, ALL.withProxySelector(null).proxySelector());
    assertEquals(ALL.withProxySelector(null).withProxySelector(ALL.proxySelector()), ALL);
    RegistryOptions t = ALL.withMinTransferRate(0, Duration.ofSeconds(1));
    assertEquals(0, t.minTransferRate());
    assertEquals(t.withMinTransferRate(99, Duration.ofSeconds(9)), ALL);
    assertEquals(ALL.withTlsContext(null), ALL);
    assertEquals(ALL.toBuilder().build(), ALL);
  }

  @Test
  void theBuilderValidatesAsTheConstructorDoes() {
    assertThrows(IllegalArgumentException.class, () -> ALL.withCreds("nocolon"));
    assertThrows(IllegalArgumentException.class, () -> ALL.withRetries(0, Duration.ofMillis(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ALL.toBuilder().minTransferRate(-1, Duration.ofSeconds(1)).build());
    assertThrows(
        IllegalArgumentException.class, () -> ALL.withMinTransferRate(1, Duration.ofMillis(10)));
  }
}
