package dev.ocisquash.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over blocking sockets, with a pool of kept-alive connections ({@link HttpConnection}): the part of the
 * protocol registries use (requests with a byte-array body or one streamed in chunked transfer coding; responses
 * framed by Content-Length, chunked transfer coding or the connection's end).
 *
 * <p>Why this and not another HTTP client: docs/registry-client.md, "Which HTTP client".
 *
 * <p>Thread-safe: requests may run on several threads at once, each on its own connection.
 */
final class HttpConnections implements AutoCloseable {
  private static final int MAX_IDLE_PER_HOST = 8;

  private final TlsSource tlsSource;
  private SSLContext tls;
  private final boolean verifyHostnames;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final Map<String, ArrayDeque<HttpConnection>> idle = new HashMap<>();
  private boolean closed;

  /** Makes the TLS context when the first https connection needs it. */
  interface TlsSource {
    /** The context; called at most once. */
    SSLContext get() throws IOException;
  }

  /**
   * @param tls makes the TLS context for https URIs, on first use: setting one up costs about 0.1 s of a cold JVM,
   *     which a plain-HTTP registry never needs
   * @param verifyHostnames whether an https server's certificate must name the host
   * @param readTimeoutMillis how long a read may wait for the next byte
   */
  HttpConnections(TlsSource tls, boolean verifyHostnames, int connectTimeoutMillis, int readTimeoutMillis) {
    this.tlsSource = tls;
    this.verifyHostnames = verifyHostnames;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /**
   * Sends one request and reads the response's status and headers; the body is left to the caller.
   *
   * @param body the request body, or null for none ({@code len} bytes at {@code off})
   * @throws IOException when the connection fails or the response is not HTTP
   */
  HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body, int off, int len)
      throws IOException {
    byte[] head = requestHead(method, uri, headers, body == null ? -1 : len);
    String key = key(uri);
    HttpConnection reused = take(key);
    if (reused != null) {
      try {
        return reused.exchange(method, uri, head, body, off, len);
      } catch (HttpConnection.StaleConnection e) {
        // The server closed the idle connection before it saw this request: ask again on a new one.
        reused.close();
      } catch (IOException | RuntimeException e) {
        reused.close();
        throw e;
      }
    }
    HttpConnection fresh = open(uri, key);
    try {
      return fresh.exchange(method, uri, head, body, off, len);
    } catch (HttpConnection.StaleConnection e) {
      fresh.close();
      throw (IOException) e.getCause();
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
  }

  private static String key(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + ":" + port(uri);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /**
   * Starts a request whose body is sent as it is written, in chunked transfer coding: for uploads whose length is
   * known only at their end. It always takes a new connection, so a failure is the request's own and never a stale
   * pooled connection's.
   */
  StreamedRequest stream(String method, URI uri, Map<String, String> headers) throws IOException {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put("Transfer-Encoding", "chunked");
    byte[] head = requestHead(method, uri, h, -1);
    HttpConnection c = open(uri, key(uri));
    c.used = true;
    try {
      c.out.write(head);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return new StreamedRequest(c, method, uri);
  }

  /** A request being sent: {@link #body()} takes the body, {@link #finish()} ends it and reads the response. */
  final class StreamedRequest {
    private final HttpConnection connection;
    private final String method;
    private final URI uri;
    private final OutputStream body =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
              return;
            }
            OutputStream out = connection.out;
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write(CRLF);
          }
        };

    private StreamedRequest(HttpConnection connection, String method, URI uri) {
      this.connection = connection;
      this.method = method;
      this.uri = uri;
    }

    /** Where the body goes; each write is sent as one chunk (small ones are gathered first). */
    OutputStream body() {
      return body;
    }

    /** Sends the last chunk and reads the response's status and headers. */
    HttpReply finish() throws IOException {
      try {
        connection.out.write(LAST_CHUNK);
        connection.out.flush();
        return connection.readResponse(method, uri, false);
      } catch (IOException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }

    /** Drops the request and its connection. */
    void abort() {
      connection.close();
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

  private static byte[] requestHead(String method, URI uri, Map<String, String> headers, int bodyLength)
      throws IOException {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    StringBuilder sb = new StringBuilder(256).append(method).append(' ').append(path);
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    sb.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    sb.append("\r\nUser-Agent: ocisquash\r\n");
    if (bodyLength >= 0) {
      sb.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
        // A token or Location from a server must not add headers of its own to a request.
        throw new IOException("header " + h.getKey() + " has a line break in its value");
      }
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private synchronized HttpConnection take(String key) {
    ArrayDeque<HttpConnection> q = idle.get(key);
    return q == null ? null : q.pollLast();
  }

  private void release(HttpConnection c) {
    synchronized (this) {
      ArrayDeque<HttpConnection> q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
      if (!closed && q.size() < MAX_IDLE_PER_HOST) {
        q.addLast(c);
        return;
      }
    }
    c.close();
  }

  private HttpConnection open(URI uri, String key) throws IOException {
    String host = uri.getHost();
    if (host == null) {
      throw new IOException("no host in " + uri);
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(bare, port(uri)), connectTimeoutMillis);
      s.setSoTimeout(readTimeoutMillis);
      if ("https".equals(uri.getScheme())) {
        SSLSocket t = (SSLSocket) tls().getSocketFactory().createSocket(s, bare, port(uri), true);
        if (verifyHostnames) {
          SSLParameters p = t.getSSLParameters();
          p.setEndpointIdentificationAlgorithm("HTTPS");
          t.setSSLParameters(p);
        }
        t.startHandshake();
        s = t;
      } else if (!"http".equals(uri.getScheme())) {
        throw new IOException("unsupported scheme in " + uri);
      }
      return new HttpConnection(s, key, this::release);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private synchronized SSLContext tls() throws IOException {
    if (tls == null) {
      tls = tlsSource.get();
    }
    return tls;
  }

  /** Closes the idle connections; connections in use close when their bodies do. */
  @Override
  public void close() {
    List<HttpConnection> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(all::addAll);
      idle.clear();
    }
    all.forEach(HttpConnection::close);
  }
}
