package dev.ocisquash.registry;

import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/** The client ocisquash had before (HttpConnections on raw sockets, from git history). */
class Transport {
  static Object make() {
    return new HttpConnections(() -> null, true, 30000, 300000);
  }

  static InputStream get(Object h, URI u) throws Exception {
    return ((HttpConnections) h).send("GET", u, Map.of(), null, 0, 0).body();
  }
}
