package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which proxy a registry request takes: the decision alone, from a snapshot of the environment and
 * the Java system properties, so it can be tested without either.
 *
 * <p>The environment is read as Go's {@code net/http.ProxyFromEnvironment} reads it, which docker,
 * skopeo and crane share (golang.org/x/net {@code http/httpproxy/proxy.go}, commit
 * 094d4385b4862d82e1922eed028a3b6bf83662d3): {@code HTTPS_PROXY} (then {@code https_proxy}) for
 * https URLs, {@code HTTP_PROXY} (then {@code http_proxy}) for http URLs, ignored under CGI ({@code
 * REQUEST_METHOD} set); a value without a scheme is {@code http://}; {@code localhost} and loopback
 * addresses never take a proxy; {@code NO_PROXY} (then {@code no_proxy}) is a comma-separated list
 * of {@code *} (nothing is proxied), IPs and CIDR ranges, and host names, each optionally with a
 * port, where {@code example.com} matches that host and its subdomains and {@code .example.com} or
 * {@code *.example.com} subdomains only. Credentials come from the proxy URL's user info. {@code
 * ALL_PROXY} is not read: docker read it only through go-connections' {@code
 * DialerFromEnvironment}, which now returns the direct dialer ({@code sockets/proxy.go}, commit
 * 013453916f040dcd373edf55d4945f4ce46b132b), and Go's ProxyFromEnvironment never did.
 *
 * <p>When neither variable for the URL's scheme is set, the JDK's properties are honoured: {@code
 * https.proxyHost} / {@code https.proxyPort} for https, {@code http.proxyHost} / {@code
 * http.proxyPort} for http, with {@code http.nonProxyHosts} ({@code |}-separated, {@code *}
 * wildcards) as the exclusions.
 */
final class ProxyEnvironment {
  /**
   * A proxy to use: where it is, its credentials (or null), and which setting named it, for
   * messages.
   */
  record Proxy(
      String host, int port, @Nullable String user, @Nullable String password, String source) {
    /** {@code http://HOST:PORT} without the credentials. */
    @Override
    public String toString() {
      return "http://"
          + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
          + ":"
          + port
          + " ("
          + source
          + ")";
    }
  }

  private final @Nullable Proxy https;
  private final @Nullable Proxy http;
  private final List<Function<Target, Boolean>> noProxy = new ArrayList<>();
  private final boolean fromEnvironment;
  private final @Nullable Pattern javaNonProxy;

  @SuppressWarnings("ArrayRecordComponent") // a parsed NO_PROXY entry; never compared
  private record Target(String host, String port, byte @Nullable [] ip) {}

  /**
   * @param env the environment variables
   * @param props the Java system properties
   * @throws ImageException when a proxy setting is set but is not a usable proxy URL
   */
  ProxyEnvironment(Map<String, String> env, Function<String, String> props) throws ImageException {
    String httpsVar = any(env, "HTTPS_PROXY", "https_proxy");
    String httpVar = any(env, "HTTP_PROXY", "http_proxy");
    if (httpVar != null && env.getOrDefault("REQUEST_METHOD", "").length() > 0) {
      httpVar =
          null; // golang.org/s/cgihttpproxy: under CGI a client may set HTTP_PROXY through a header
    }
    fromEnvironment = httpsVar != null || httpVar != null;
    if (fromEnvironment) {
      https = httpsVar == null ? null : parse(httpsVar, name(env, "HTTPS_PROXY", "https_proxy"));
      http = httpVar == null ? null : parse(httpVar, name(env, "HTTP_PROXY", "http_proxy"));
      String no = any(env, "NO_PROXY", "no_proxy");
      if (no != null) {
        for (String entry : no.split(",", -1)) {
          addNoProxy(entry.trim().toLowerCase(Locale.ROOT));
        }
      }
      javaNonProxy = null;
    } else {
      https = property(props, "https");
      http = property(props, "http");
      String non = props.apply("http.nonProxyHosts");
      javaNonProxy = non == null || non.isBlank() ? null : nonProxyPattern(non);
    }
  }

  /** From this process's environment and system properties. */
  static ProxyEnvironment system() throws ImageException {
    return new ProxyEnvironment(System.getenv(), System::getProperty);
  }

  /** The proxy for a request to {@code uri}, or empty to connect directly. */
  Optional<Proxy> forUri(URI uri) {
    Proxy p =
        "https".equals(uri.getScheme()) ? https : "http".equals(uri.getScheme()) ? http : null;
    String host = uri.getHost();
    if (p == null || host == null) {
      return Optional.empty();
    }
    host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    host = host.toLowerCase(Locale.ROOT);
    if (host.equals("localhost")) {
      return Optional.empty();
    }
    byte[] ip = literalIp(host);
    if (ip != null && isLoopback(ip)) {
      return Optional.empty();
    }
    String port =
        String.valueOf(
            uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80);
    if (fromEnvironment) {
      Target t = new Target(host, port, ip);
      for (Function<Target, Boolean> m : noProxy) {
        if (m.apply(t)) {
          return Optional.empty();
        }
      }
    } else if (javaNonProxy != null && javaNonProxy.matcher(host).matches()) {
      return Optional.empty();
    }
    return Optional.of(p);
  }

  private void addNoProxy(String p) {
    if (p.isEmpty()) {
      return;
    }
    if (p.equals("*")) {
      noProxy.add(t -> true);
      return;
    }
    int slash = p.indexOf('/');
    if (slash > 0) {
      byte[] net = literalIp(p.substring(0, slash));
      int bits;
      try {
        bits = Integer.parseInt(p.substring(slash + 1));
      } catch (NumberFormatException e) {
        return; // Go ignores entries it cannot parse
      }
      if (net != null && bits >= 0 && bits <= net.length * 8) {
        noProxy.add(
            t -> t.ip() != null && t.ip().length == net.length && samePrefix(t.ip(), net, bits));
      }
      return;
    }
    String host = p;
    String port = "";
    int colon = p.lastIndexOf(':');
    if (p.startsWith("[") && p.contains("]")) {
      host = p.substring(1, p.indexOf(']'));
      port = colon > p.indexOf(']') ? p.substring(colon + 1) : "";
    } else if (colon > 0 && p.indexOf(':') == colon) {
      host = p.substring(0, colon);
      port = p.substring(colon + 1);
    }
    if (host.isEmpty()) {
      return;
    }
    String wantPort = port;
    byte[] ip = literalIp(host);
    if (ip != null) {
      noProxy.add(
          t ->
              t.ip() != null
                  && java.util.Arrays.equals(t.ip(), ip)
                  && (wantPort.isEmpty() || wantPort.equals(t.port())));
      return;
    }
    String suffix = host.startsWith("*.") ? host.substring(1) : host;
    boolean matchHost = !suffix.startsWith(".");
    String dotted = matchHost ? "." + suffix : suffix;
    noProxy.add(
        t ->
            (t.host().endsWith(dotted) || (matchHost && t.host().equals(dotted.substring(1))))
                && (wantPort.isEmpty() || wantPort.equals(t.port())));
  }

  private static boolean samePrefix(byte[] a, byte[] b, int bits) {
    BigInteger mask =
        BigInteger.ONE.shiftLeft(a.length * 8).subtract(BigInteger.ONE).shiftRight(bits).not();
    return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
  }

  private static boolean isLoopback(byte[] ip) {
    try {
      return InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The address of an IPv4 or IPv6 literal (no name lookup), or null for a name. */
  static byte @Nullable [] literalIp(String s) {
    boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9a-fA-F:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      // ::ffff:a.b.c.d is the IPv4 address, as Go's net.IP.Equal takes it
      return b;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static @Nullable String any(Map<String, String> env, String upper, String lower) {
    String v = env.get(upper);
    if (v == null || v.isEmpty()) {
      v = env.get(lower);
    }
    return v == null || v.isEmpty() ? null : v;
  }

  /** Which of the two variables {@link #any} read. */
  private static String name(Map<String, String> env, String upper, String lower) {
    String v = env.get(upper);
    return v == null || v.isEmpty() ? lower : upper;
  }

  private static Proxy parse(String value, String source) throws ImageException {
    String v = value.trim();
    URI u;
    try {
      u = new URI(v.contains("://") ? v : "http://" + v);
    } catch (URISyntaxException e) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT, source + ": not a proxy URL: '" + Printable.of(value) + "'");
    }
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          source
              + ": proxy scheme "
              + Printable.of(scheme)
              + " is not supported (only http:// proxies; https registries go through them with CONNECT)");
    }
    if (u.getHost() == null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          source + ": no host in proxy URL '" + Printable.of(redacted(u)) + "'");
    }
    String user = null;
    String pass = null;
    if (u.getUserInfo() != null) {
      String info = u.getUserInfo();
      int c = info.indexOf(':');
      user = c < 0 ? info : info.substring(0, c);
      pass = c < 0 ? "" : info.substring(c + 1);
    }
    String host = u.getHost();
    host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return new Proxy(host, u.getPort() >= 0 ? u.getPort() : 80, user, pass, source);
  }

  private static String redacted(URI u) {
    return u.getUserInfo() == null
        ? u.toString()
        : u.toString().replace(u.getRawUserInfo() + "@", "***@");
  }

  private static @Nullable Proxy property(Function<String, String> props, String scheme)
      throws ImageException {
    String host = props.apply(scheme + ".proxyHost");
    if (host == null || host.isBlank()) {
      return null;
    }
    String port = props.apply(scheme + ".proxyPort");
    int p = 80;
    if (port != null && !port.isBlank()) {
      try {
        p = Integer.parseInt(port.trim());
      } catch (NumberFormatException e) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT, scheme + ".proxyPort: not a port: '" + Printable.of(port) + "'");
      }
    }
    return new Proxy(host.trim(), p, null, null, scheme + ".proxyHost");
  }

  private static Pattern nonProxyPattern(String hosts) {
    StringBuilder re = new StringBuilder();
    for (String h : hosts.split("\\|", -1)) {
      if (h.isBlank()) {
        continue;
      }
      re.append(re.length() == 0 ? "" : "|");
      for (String part : h.trim().toLowerCase(Locale.ROOT).split("\\*", -1)) {
        re.append(Pattern.quote(part)).append(".*");
      }
      re.setLength(re.length() - 2);
    }
    return Pattern.compile(re.toString());
  }
}
