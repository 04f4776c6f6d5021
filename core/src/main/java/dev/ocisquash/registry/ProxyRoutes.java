package dev.ocisquash.registry;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.util.Optional;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.auth.BasicScheme;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * The route of each request: direct, or through the HTTP proxy that {@link ProxyEnvironment} (or a
 * caller's {@link ProxySelector}) names for its URL, https targets through a CONNECT tunnel (the
 * library's). A proxy's credentials are sent with the first request (CONNECT or the proxied
 * request), as Go's transport does, so a streamed upload never meets a 407 it could not repeat.
 */
final class ProxyRoutes extends DefaultRoutePlanner {
  private static final System.Logger LOG = System.getLogger("dev.ocisquash.registry");
  private final @Nullable ProxyEnvironment environment;
  private final @Nullable ProxySelector selector;

  /** The route last noted for each origin, so --debug names it once. */
  private final java.util.Map<String, String> noted =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param selector a caller's proxy selection, or null for {@code environment}
   * @param environment the proxy settings of the environment (used when {@code selector} is null)
   */
  ProxyRoutes(@Nullable ProxySelector selector, @Nullable ProxyEnvironment environment) {
    super(null);
    this.selector = selector;
    this.environment = environment;
  }

  /** The proxy for a URL, or empty for a direct connection. */
  Optional<ProxyEnvironment.Proxy> proxyFor(URI uri) {
    if (selector == null) {
      return environment == null ? Optional.empty() : environment.forUri(uri);
    }
    for (java.net.Proxy p : selector.select(uri)) {
      if (p.type() == java.net.Proxy.Type.HTTP && p.address() instanceof InetSocketAddress a) {
        return Optional.of(
            new ProxyEnvironment.Proxy(
                a.getHostString(), a.getPort(), null, null, "proxy selector"));
      }
    }
    return Optional.empty();
  }

  @Override
  protected @Nullable HttpHost determineProxy(HttpHost target, HttpContext context) {
    URI uri = URI.create(target.getSchemeName() + "://" + target.toHostString() + "/");
    return proxyFor(uri).map(p -> new HttpHost("http", p.host(), p.port())).orElse(null);
  }

  /**
   * A fresh context for one request to {@code uri}: with the proxy's credentials when its proxy has
   * some. Notes at DEBUG which proxy requests to its scheme, host and port take (on the first one,
   * and when that changes).
   */
  HttpClientContext context(String method, URI uri) {
    HttpClientContext context = HttpClientContext.create();
    Optional<ProxyEnvironment.Proxy> proxy = proxyFor(uri);
    String origin = uri.getScheme() + "://" + uri.getRawAuthority();
    String route = proxy.map(p -> "via proxy " + p).orElse("direct (no proxy)");
    if (LOG.isLoggable(System.Logger.Level.DEBUG) && !route.equals(noted.put(origin, route))) {
      LOG.log(
          System.Logger.Level.DEBUG,
          Printable.of(
              method
                  + " "
                  + origin
                  + uri.getRawPath()
                  + " "
                  + route
                  + (noted.size() == 1 ? " (noted again only when a host's route changes)" : "")));
    }
    if (proxy.isPresent() && proxy.get().user() != null) {
      ProxyEnvironment.Proxy p = proxy.get();
      HttpHost host = new HttpHost("http", p.host(), p.port());
      UsernamePasswordCredentials creds =
          new UsernamePasswordCredentials(
              p.user(), java.util.Objects.requireNonNullElse(p.password(), "").toCharArray());
      BasicScheme basic = new BasicScheme();
      basic.initPreemptive(creds);
      context.resetAuthExchange(host, basic);
      BasicCredentialsProvider provider = new BasicCredentialsProvider();
      provider.setCredentials(new AuthScope(host), creds);
      context.setCredentialsProvider(provider);
    }
    return context;
  }
}
