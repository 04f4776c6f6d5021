package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which proxy a URL takes, as Go's ProxyFromEnvironment decides (docker, skopeo, crane), and the
 * JDK properties.
 */
class ProxyEnvironmentTest {
  private static ProxyEnvironment env(String... kv) throws ImageException {
    return env(Map.of(), kv);
  }

  private static ProxyEnvironment env(Map<String, String> props, String... kv)
      throws ImageException {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new ProxyEnvironment(m, props::get);
  }

  /** The proxy's {@code host:port (source)} for a URL, or "direct". */
  private static String route(ProxyEnvironment e, String url) {
    return e.forUri(URI.create(url))
        .map(p -> p.host() + ":" + p.port() + " " + p.source())
        .orElse("direct");
  }

  @Test
  void theSchemePicksTheVariableAndUpperCaseWins() throws ImageException {
    ProxyEnvironment e =
        env(
            "HTTPS_PROXY",
            "http://s.example:3128",
            "https_proxy",
            "http://lower:1",
            "http_proxy",
            "plain.example:8080");
    assertEquals("s.example:3128 HTTPS_PROXY", route(e, "https://registry.example/v2/"));
    assertEquals("plain.example:8080 http_proxy", route(e, "http://registry.example:5000/v2/"));
    assertEquals(
        "lower:1 https_proxy",
        route(env("HTTPS_PROXY", "", "https_proxy", "lower:1"), "https://r.example/"));
    assertEquals("direct", route(env("HTTP_PROXY", "p:1"), "https://r.example/"));
  }

  @Test
  void aProxyWithoutPortOrSchemeIsHttpOnPort80AndCarriesItsCredentials() throws ImageException {
    ProxyEnvironment e = env("HTTPS_PROXY", "http://us%40er:p%3Ass@proxy.example");
    ProxyEnvironment.Proxy p = e.forUri(URI.create("https://r.example/")).orElseThrow();
    assertEquals("proxy.example", p.host());
    assertEquals(80, p.port());
    assertEquals("us@er", p.user());
    assertEquals("p:ss", p.password());
    assertEquals(
        "http://proxy.example:80 (HTTPS_PROXY)", p.toString(), "no credentials in messages");
  }

  @Test
  void loopbackIsNeverProxied() throws ImageException {
    ProxyEnvironment e = env("HTTPS_PROXY", "p:1", "HTTP_PROXY", "p:1");
    for (String u :
        new String[] {
          "http://localhost:5000/",
          "https://127.0.0.1/",
          "http://127.0.0.2:80/",
          "https://[::1]:5000/",
          "http://LOCALHOST/"
        }) {
      assertEquals("direct", route(e, u), u);
    }
    assertEquals("p:1 HTTPS_PROXY", route(e, "https://localhost.example/"));
  }

  @Test
  void noProxyMatchesSuffixesLeadingDotsIpsCidrsAndPorts() throws ImageException {
    ProxyEnvironment e =
        env(
            "HTTPS_PROXY",
            "p:1",
            "NO_PROXY",
            " example.com, .y.com,*.z.com ,10.1.2.3,192.168.0.0/16,fd00::/8,ported.test:5000,[fe80::1]:443");
    String[] direct = {
      "https://example.com/",
      "https://a.b.example.com/",
      "https://x.y.com/",
      "https://w.z.com/",
      "https://10.1.2.3/",
      "https://192.168.7.9/",
      "https://[fd12::5]/",
      "https://ported.test:5000/",
      "https://EXAMPLE.COM/",
      "https://[fe80::1]/"
    };
    for (String u : direct) {
      assertEquals("direct", route(e, u), u);
    }
    String[] proxied = {
      "https://badexample.com/",
      "https://y.com/",
      "https://z.com/",
      "https://10.1.2.4/",
      "https://192.169.0.1/",
      "https://ported.test/",
      "https://ported.test:5001/",
      "https://[fe80::2]/"
    };
    for (String u : proxied) {
      assertEquals("p:1 HTTPS_PROXY", route(e, u), u);
    }
    assertEquals(
        "direct", route(env("HTTPS_PROXY", "p:1", "no_proxy", "*"), "https://anything.example/"));
    assertEquals(
        "direct",
        route(env("HTTPS_PROXY", "p:1", "no_proxy", "example.com:443"), "https://example.com/"));
  }

  @Test
  void underCgiHttpProxyIsIgnoredButHttpsProxyIsNot() throws ImageException {
    ProxyEnvironment e = env("HTTP_PROXY", "p:1", "HTTPS_PROXY", "s:2", "REQUEST_METHOD", "GET");
    assertEquals("direct", route(e, "http://r.example/"));
    assertEquals("s:2 HTTPS_PROXY", route(e, "https://r.example/"));
  }

  @Test
  void theJdkPropertiesApplyWhenTheEnvironmentNamesNoProxy() throws ImageException {
    Map<String, String> props =
        Map.of(
            "https.proxyHost",
            "jp",
            "https.proxyPort",
            "3128",
            "http.proxyHost",
            "hp",
            "http.nonProxyHosts",
            "*.internal|reg.local");
    ProxyEnvironment e = env(props);
    assertEquals("jp:3128 https.proxyHost", route(e, "https://r.example/"));
    assertEquals("hp:80 http.proxyHost", route(e, "http://r.example/"));
    assertEquals("direct", route(e, "https://a.internal/"));
    assertEquals("direct", route(e, "https://reg.local/"));
    assertEquals("direct", route(e, "https://127.0.0.1/"));
    assertEquals(
        "envp:9 HTTPS_PROXY", route(env(props, "HTTPS_PROXY", "envp:9"), "https://r.example/"));
    assertEquals(
        "direct",
        route(env(props, "HTTP_PROXY", "envp:9"), "https://r.example/"),
        "a proxy variable set for either scheme turns the JDK properties off, as for Go programs");
  }

  @Test
  void anUnusableProxyIsOneLineNamingTheVariable() {
    ImageException socks =
        assertThrows(ImageException.class, () -> env("HTTPS_PROXY", "socks5://s:1080"));
    assertEquals(
        "HTTPS_PROXY: proxy scheme socks5 is not supported (only http:// proxies; https registries go"
            + " through them with CONNECT)",
        socks.getMessage());
    ImageException bad =
        assertThrows(ImageException.class, () -> env("http_proxy", "http://a b\r\n"));
    assertTrue(
        bad.getMessage().startsWith("http_proxy: not a proxy URL: 'http://a b??'"),
        bad.getMessage());
    assertThrows(
        ImageException.class, () -> env(Map.of("https.proxyHost", "h", "https.proxyPort", "x")));
  }
}
