package dev.ocisquash.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a registry that breaks one connection halfway through a blob: once the
 * client sends a request starting with {@code trigger}, it cuts the connection after {@code afterBytes} more bytes
 * flow in the chosen direction (the request body for an upload, the response for a download). It fires once;
 * every other connection is passed through untouched.
 */
final class FaultProxy implements AutoCloseable {
  enum Direction {
    /** Cut while the client sends (an upload). */
    UPLOAD,
    /** Cut while the server answers (a download). */
    DOWNLOAD
  }

  private final ServerSocket server;
  private final int target;
  private final byte[] trigger;
  private final Direction direction;
  private final long afterBytes;
  private final AtomicBoolean armed = new AtomicBoolean(true);
  /** How many connections were cut (0 or 1). */
  final AtomicInteger cuts = new AtomicInteger();

  FaultProxy(int targetPort, String trigger, Direction direction, long afterBytes) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.target = targetPort;
    this.trigger = trigger.getBytes(StandardCharsets.US_ASCII);
    this.direction = direction;
    this.afterBytes = afterBytes;
    Thread t = new Thread(this::acceptLoop, "fault-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket("127.0.0.1", target);
        Connection c = new Connection(client, upstream);
        start(() -> c.pump(client, upstream, true));
        start(() -> c.pump(upstream, client, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "fault-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** One proxied connection; it is cut when it carries the trigger and the count runs out. */
  private final class Connection {
    final Socket client;
    final Socket upstream;
    volatile boolean marked;
    /** Bytes still to pass in the cut direction once marked. */
    long left = afterBytes;
    int matched;

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void pump(Socket from, Socket to, boolean clientToServer) {
      try {
        copy(from, to, clientToServer);
      } finally {
        if (marked && clientToServer && cuts.get() == 0) {
          armed.set(true); // the client hung up first (it read only a few bytes): wait for the next request
        }
      }
    }

    private void copy(Socket from, Socket to, boolean clientToServer) {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream()) {
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          if (clientToServer && !marked) {
            for (int i = 0; i < n && !marked; i++) {
              matched = buf[i] == trigger[matched] ? matched + 1 : (buf[i] == trigger[0] ? 1 : 0);
              if (matched == trigger.length && armed.compareAndSet(true, false)) {
                marked = true;
              } else if (matched == trigger.length) {
                matched = 0;
              }
            }
          }
          boolean cutHere = marked && (clientToServer == (direction == Direction.UPLOAD));
          if (cutHere) {
            synchronized (this) {
              if (left <= n) {
                out.write(buf, 0, (int) Math.max(0, left));
                out.flush();
                cuts.incrementAndGet();
                cut();
                return;
              }
              left -= n;
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the other side went away
      }
      cut();
    }

    void cut() {
      try {
        client.setSoLinger(true, 0); // a reset, as a dropped connection looks
        client.close();
      } catch (IOException e) {
        // already closed
      }
      try {
        upstream.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
