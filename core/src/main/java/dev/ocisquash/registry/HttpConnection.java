package dev.ocisquash.registry;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One socket of {@link HttpConnections}, used by one exchange at a time: writes a request, reads the response's
 * status and headers, and frames its body (Content-Length, chunked, or until the connection ends). When a body has
 * been read to its end, the connection goes back to the pool, unless the server asked to close it.
 */
final class HttpConnection {
  private static final int MAX_HEADER_BYTES = 64 << 10;
  private static final int BUFFER = 64 << 10;
  private static final String CHUNKED = "a chunked body";

  /** A failure of a kept-alive connection before any byte of the response: the request may be sent again. */
  static final class StaleConnection extends IOException {
    StaleConnection(IOException cause) {
      super(cause);
    }
  }

  private final Socket socket;
  /** The pool's key for this connection's scheme, host and port. */
  final String key;
  private final Consumer<HttpConnection> release;
  private final BufferedInputStream in;
  /** Buffered, so a chunk's size line, data and line end (or a small request) leave in few segments. */
  final BufferedOutputStream out;
  private final AtomicBoolean closedOnce = new AtomicBoolean();
  /** Whether a request was sent on it before (a failure before any response byte may then be a stale connection). */
  boolean used;

  /** @param release takes the connection back when a response's body was read to its end */
  HttpConnection(Socket socket, String key, Consumer<HttpConnection> release) throws IOException {
    this.socket = socket;
    this.key = key;
    this.release = release;
    this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
    this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
  }

  /** Sends a request (its head, then {@code len} body bytes at {@code off}) and reads the response's head. */
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

  /** A line of the response's head. */
  private String readLine() throws IOException {
    return readLine("the response headers");
  }

  /**
   * One line without its CR LF, ISO-8859-1; at most {@link #MAX_HEADER_BYTES}.
   *
   * @param where what the line belongs to, for the message when the connection ends first
   */
  private String readLine(String where) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside " + where);
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
      release.accept(this);
    } else {
      close();
    }
  }

  /** Closes the socket (once; from any thread, which makes a blocked read fail). */
  void close() {
    if (closedOnce.compareAndSet(false, true)) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }

  /**
   * A body framed on a kept-alive connection: read to its end, it hands the connection back; closed before that,
   * it closes the connection, since the unread bytes would be taken for the next response.
   */
  private abstract class FramedBody extends InputStream {
    private final boolean keepAlive;
    final AtomicBoolean ended = new AtomicBoolean();

    FramedBody(boolean keepAlive) {
      this.keepAlive = keepAlive;
    }

    /** After the last byte. */
    final void finish() {
      if (ended.compareAndSet(false, true)) {
        done(keepAlive);
      }
    }

    @Override
    public final int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final void close() {
      if (ended.compareAndSet(false, true)) {
        HttpConnection.this.close();
      }
    }
  }

  /** A body of a declared length. */
  private final class FixedBody extends FramedBody {
    private final long length;
    private long remaining;

    FixedBody(long length, boolean keepAlive) {
      super(keepAlive);
      this.length = length;
      this.remaining = length;
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
  }

  /** A body in chunked transfer coding. */
  private final class ChunkedBody extends FramedBody {
    private long inChunk;
    private boolean last;

    ChunkedBody(boolean keepAlive) {
      super(keepAlive);
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
      if (inChunk == 0 && !readLine(CHUNKED).isEmpty()) {
        throw new IOException("malformed chunked body: no line end after a chunk");
      }
      return n;
    }

    private void nextChunk() throws IOException {
      String line = readLine(CHUNKED);
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
        finish();
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
      HttpConnection.this.close();
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
