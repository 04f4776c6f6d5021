package dev.ocisquash.registry;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over blocking sockets, with a pool of kept-alive connections: the part of the protocol registries use
 * (requests with a byte-array body, responses framed by Content-Length, chunked encoding or the connection's end).
 *
 * <p>Why not the JDK's {@code java.net.http.HttpClient}, used before: it reads a response into fresh 16 KiB buffers
 * on its selector thread and hands them over through queues, and its asynchronous code keeps the JIT busy. A blob
 * download of 100 MiB over loopback took 1.8 CPU-seconds there against 0.3 here, where a body is read from the
 * socket straight into the caller's array; on a 2-core machine that CPU is taken from the squash. {@code
 * HttpURLConnection} reads the same way but refuses {@code PATCH}, which chunked uploads need.
 *
 * <p>Thread-safe: requests may run on several threads at once, each on its own connection.
 */
final class HttpConnections implements AutoCloseable {
  private static final int MAX_HEADER_BYTES = 64 << 10;
  private static final int MAX_IDLE_PER_HOST = 8;
  private static final int BUFFER = 64 << 10;

  private final TlsSource tlsSource;
  private SSLContext tls;
  private final boolean verifyHostnames;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final Map<String, ArrayDeque<Connection>> idle = new HashMap<>();
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
    Connection reused = take(key);
    if (reused != null) {
      try {
        return reused.exchange(method, uri, head, body, off, len);
      } catch (StaleConnection e) {
        // The server closed the idle connection before it saw this request: ask again on a new one.
        reused.close();
      }
    }
    Connection fresh = open(uri, key);
    try {
      return fresh.exchange(method, uri, head, body, off, len);
    } catch (StaleConnection e) {
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
    Connection c = open(uri, key(uri));
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
    private final Connection connection;
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

    private StreamedRequest(Connection connection, String method, URI uri) {
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

  private synchronized Connection take(String key) {
    ArrayDeque<Connection> q = idle.get(key);
    return q == null ? null : q.pollLast();
  }

  private void release(Connection c) {
    synchronized (this) {
      ArrayDeque<Connection> q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
      if (!closed && q.size() < MAX_IDLE_PER_HOST) {
        q.addLast(c);
        return;
      }
    }
    c.close();
  }

  private Connection open(URI uri, String key) throws IOException {
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
      return new Connection(s, key);
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
    List<Connection> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(all::addAll);
      idle.clear();
    }
    all.forEach(Connection::close);
  }

  /** A failure of a kept-alive connection before any byte of the response: the request may be sent again. */
  private static final class StaleConnection extends IOException {
    StaleConnection(IOException cause) {
      super(cause);
    }
  }

  /** One socket, used by one exchange at a time. */
  private final class Connection {
    private final Socket socket;
    private final String key;
    private final BufferedInputStream in;
    /** Buffered, so a chunk's size line, data and line end (or a small request) leave in few segments. */
    private final java.io.BufferedOutputStream out;
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private boolean used;

    Connection(Socket socket, String key) throws IOException {
      this.socket = socket;
      this.key = key;
      this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
      this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    HttpReply exchange(String method, URI uri, byte[] head, byte[] body, int off, int len) throws IOException {
      boolean reused = used;
      used = true;
      try {
        out.write(head);
        if (body != null && len > 0) {
          out.write(body, off, len);
        }
        out.flush();
      } catch (IOException e) {
        throw reused ? new StaleConnection(e) : e;
      }
      return readResponse(method, uri, reused);
    }

    /** Reads a response's status and headers and sets up its body. */
    HttpReply readResponse(String method, URI uri, boolean reused) throws IOException {
      int first;
      try {
        first = in.read();
      } catch (IOException e) {
        throw reused ? new StaleConnection(e) : e;
      }
      if (first < 0) {
        EOFException e = new EOFException("the server closed the connection without a response");
        throw reused ? new StaleConnection(e) : e;
      }
      String statusLine = (char) first + readLine();
      int status = status(statusLine);
      while (status >= 100 && status < 200) {
        if (status == 101) {
          throw new IOException("unexpected HTTP 101 (switching protocols)");
        }
        readHeaders(); // an interim response: the real one follows
        statusLine = readLine();
        status = status(statusLine);
      }
      Map<String, List<String>> headers = readHeaders();
      boolean keepAlive = statusLine.startsWith("HTTP/1.1") && !has(headers, "connection", "close");
      InputStream bodyIn;
      if (method.equals("HEAD") || status == 204 || status == 304) {
        bodyIn = InputStream.nullInputStream();
        done(keepAlive);
      } else if (has(headers, "transfer-encoding", "chunked")) {
        bodyIn = new ChunkedBody(keepAlive);
      } else if (headers.containsKey("content-length")) {
        long n = contentLength(headers.get("content-length"));
        bodyIn = new FixedBody(n, keepAlive);
        if (n == 0) {
          ((FixedBody) bodyIn).finish();
        }
      } else {
        bodyIn = new UntilCloseBody();
      }
      return new HttpReply(status, headers, uri, bodyIn);
    }

    private int status(String line) throws IOException {
      if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
        throw new IOException("malformed HTTP status line '" + printable(line) + "'");
      }
      try {
        int s = Integer.parseInt(line.substring(9, 12));
        if (s < 100 || s > 599) {
          throw new NumberFormatException();
        }
        return s;
      } catch (NumberFormatException e) {
        throw new IOException("malformed HTTP status line '" + printable(line) + "'");
      }
    }

    private Map<String, List<String>> readHeaders() throws IOException {
      Map<String, List<String>> headers = new HashMap<>();
      int bytes = 0;
      String last = null;
      while (true) {
        String line = readLine();
        bytes += line.length() + 2;
        if (bytes > MAX_HEADER_BYTES) {
          throw new IOException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
        }
        if (line.isEmpty()) {
          return headers;
        }
        if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && last != null) {
          List<String> values = headers.get(last);
          values.set(values.size() - 1, values.get(values.size() - 1) + " " + line.trim());
          continue;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed HTTP header line '" + printable(line) + "'");
        }
        last = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        headers.computeIfAbsent(last, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
      }
    }

    /** One line without its CR LF, ISO-8859-1; at most {@link #MAX_HEADER_BYTES}. */
    private String readLine() throws IOException {
      StringBuilder sb = new StringBuilder(64);
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("connection closed inside the response headers");
        }
        if (b == '\n') {
          int n = sb.length();
          return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
        }
        if (sb.length() >= MAX_HEADER_BYTES) {
          throw new IOException("response header line longer than " + MAX_HEADER_BYTES + " bytes");
        }
        sb.append((char) b);
      }
    }

    /** After a body's last byte: the connection goes back to the pool, or is closed. */
    void done(boolean keepAlive) {
      if (keepAlive) {
        release(this);
      } else {
        close();
      }
    }

    void close() {
      if (closedOnce.compareAndSet(false, true)) {
        try {
          socket.close();
        } catch (IOException e) {
          // nothing left to release
        }
      }
    }

    /** A body of a declared length. */
    private final class FixedBody extends InputStream {
      private final long length;
      private long remaining;
      private final boolean keepAlive;
      private final AtomicBoolean ended = new AtomicBoolean();

      FixedBody(long length, boolean keepAlive) {
        this.length = length;
        this.remaining = length;
        this.keepAlive = keepAlive;
      }

      void finish() {
        if (ended.compareAndSet(false, true)) {
          done(keepAlive);
        }
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        if (ended.get()) {
          throw new IOException("stream closed");
        }
        if (len == 0) {
          return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new EOFException("connection closed after " + (length - remaining) + " of " + length + " bytes");
        }
        remaining -= n;
        if (remaining == 0) {
          finish();
        }
        return n;
      }

      @Override
      public int available() throws IOException {
        return ended.get() ? 0 : (int) Math.min(in.available(), remaining);
      }

      @Override
      public void close() {
        if (ended.compareAndSet(false, true)) {
          // Unread bytes would be taken for the next response: the connection cannot be used again.
          Connection.this.close();
        }
      }
    }

    /** A body in chunked transfer coding. */
    private final class ChunkedBody extends InputStream {
      private final boolean keepAlive;
      private final AtomicBoolean ended = new AtomicBoolean();
      private long inChunk;
      private boolean last;

      ChunkedBody(boolean keepAlive) {
        this.keepAlive = keepAlive;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (last) {
          return -1;
        }
        if (ended.get()) {
          throw new IOException("stream closed");
        }
        if (len == 0) {
          return 0;
        }
        if (inChunk == 0) {
          nextChunk();
          if (last) {
            return -1;
          }
        }
        int n = in.read(b, off, (int) Math.min(len, inChunk));
        if (n < 0) {
          throw new EOFException("connection closed inside a chunk");
        }
        inChunk -= n;
        if (inChunk == 0 && !readLine().isEmpty()) {
          throw new IOException("malformed chunked body: no line end after a chunk");
        }
        return n;
      }

      private void nextChunk() throws IOException {
        String line = readLine();
        int semi = line.indexOf(';');
        String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
        if (hex.isEmpty() || hex.length() > 15) {
          throw new IOException("malformed chunk size '" + printable(line) + "'");
        }
        try {
          inChunk = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("malformed chunk size '" + printable(line) + "'");
        }
        if (inChunk < 0) {
          throw new IOException("malformed chunk size '" + printable(line) + "'");
        }
        if (inChunk == 0) {
          readHeaders(); // trailers, up to the empty line
          last = true;
          if (ended.compareAndSet(false, true)) {
            done(keepAlive);
          }
        }
      }

      @Override
      public void close() {
        if (ended.compareAndSet(false, true)) {
          Connection.this.close();
        }
      }
    }

    /** A body that ends with the connection. */
    private final class UntilCloseBody extends InputStream {
      @Override
      public int read() throws IOException {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
      }

      @Override
      public void close() {
        Connection.this.close();
      }
    }
  }

  private static boolean has(Map<String, List<String>> headers, String name, String token) {
    for (String v : headers.getOrDefault(name, List.of())) {
      for (String t : v.split(",")) {
        if (t.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }

  private static long contentLength(List<String> values) throws IOException {
    long n = -1;
    for (String v : values) {
      long m;
      try {
        m = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IOException("malformed Content-Length '" + printable(v) + "'");
      }
      if (m < 0 || (n >= 0 && m != n)) {
        throw new IOException("malformed Content-Length '" + printable(String.join(", ", values)) + "'");
      }
      n = m;
    }
    return n;
  }

  private static String printable(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
