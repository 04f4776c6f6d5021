package dev.ocisquash.registry;

import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/** The registry's transport (Apache HttpClient 5 classic), as RegistryClient sets it up. */
class Transport {
  static Object make() throws Exception {
    return new HttpTransport(new TlsStrategy(() -> null, true),
        new ProxyRoutes(null, new ProxyEnvironment(Map.of(), k -> null)), new RateGuard(1024, 120), 30000, 300000);
  }

  static InputStream get(Object h, URI u) throws Exception {
    return ((HttpTransport) h).send("GET", u, Map.of(), null, 0, 0).body();
  }
}
