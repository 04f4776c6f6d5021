package dev.ocisquash.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An HTTP server on 127.0.0.1 scripted byte for byte, for the misbehaviour a real server library
 * would not produce (dripped heads, endless bodies, malformed answers): it answers each request
 * with the bytes the script gives, or lets the script write the answer itself; optionally closes
 * each connection after one answer. For a well-behaved registry use the JDK's HTTP server instead
 * (core's registry tests: FakeRegistry).
 */
public final class ScriptedServer implements AutoCloseable {
  /** One request as the server read it. */
  @SuppressWarnings("ArrayRecordComponent") // a recorded request; never compared
  public record Request(String line, String head, byte[] body) {
    public String path() {
      String target = line.split(" ", -1)[1];
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }
  }

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  public final AtomicInteger connections = new AtomicInteger();
  private final ServerSocket socket;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  public ScriptedServer(Function<Request, byte[]> script) throws IOException {
    this(script, false);
  }

  /** Writes the answer to a request itself (slowly, endlessly); returns when it is done. */
  public interface Writer {
    void answer(Request r, java.io.OutputStream out) throws IOException;
  }

  public ScriptedServer(Function<Request, byte[]> script, boolean closeAfterEach)
      throws IOException {
    this((r, out) -> out.write(script.apply(r)), closeAfterEach);
  }

  public ScriptedServer(Writer script, boolean closeAfterEach) throws IOException {
    socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket s = socket.accept();
                  connections.incrementAndGet();
                  open.add(s);
                  Thread c = new Thread(() -> serve(s, script, closeAfterEach));
                  c.setDaemon(true);
                  c.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  private void serve(Socket s, Writer script, boolean closeAfterEach) {
    try (s) {
      InputStream in = s.getInputStream();
      while (true) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        List<String> lines = new ArrayList<>(List.of(h.split("\r\n", -1)));
        for (String line : lines) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        Request r =
            new Request(
                lines.get(0),
                h,
                h.contains("\r\nTransfer-Encoding: chunked\r\n")
                    ? dechunk(in)
                    : in.readNBytes(length));
        requests.add(r);
        script.answer(r, s.getOutputStream());
        s.getOutputStream().flush();
        if (closeAfterEach) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** A chunked body, strictly: size line, data, CR LF, up to the empty last chunk. */
  private static byte[] dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new EOFException("in a chunk size line");
        }
        line.append((char) b);
      }
      int n = Integer.parseInt(line.toString().trim(), 16);
      body.write(in.readNBytes(n));
      if (in.read() != '\r' || in.read() != '\n') {
        throw new IOException("no CR LF after a chunk");
      }
      if (n == 0) {
        return body.toByteArray();
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
