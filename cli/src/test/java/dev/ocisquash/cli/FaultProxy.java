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
 * A TCP proxy on 127.0.0.1 in front of a registry that breaks one connection halfway through a
 * blob: when the client sends a request starting with {@code trigger}, it cuts the connection after
 * {@code afterBytes} bytes of that request flow in the chosen direction (the request for an upload,
 * the response for a download). It fires once; every other connection is passed through untouched.
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
  private final boolean repeat;
  private final AtomicBoolean armed = new AtomicBoolean(true);

  /** How many connections were cut (0 or 1). */
  final AtomicInteger cuts = new AtomicInteger();

  FaultProxy(int targetPort, String trigger, Direction direction, long afterBytes)
      throws IOException {
    this(targetPort, trigger, direction, afterBytes, false);
  }

  /** With {@code repeat}, every request matching the trigger is broken, not only the first. */
  FaultProxy(int targetPort, String trigger, Direction direction, long afterBytes, boolean repeat)
      throws IOException {
    this.repeat = repeat;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
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
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
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

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void pump(Socket from, Socket to, boolean clientToServer) {
      copy(from, to, clientToServer);
    }

    /**
     * A read from the client that starts with a method begins a new request (clients here send one
     * request at a time on a connection): it is the one to break when it starts with the trigger
     * and the proxy is still armed.
     */
    private void onClientBytes(byte[] buf, int n) {
      String head = new String(buf, 0, Math.min(n, 8), StandardCharsets.US_ASCII);
      if (head.matches("(GET|HEAD|POST|PUT|PATCH|DELETE) .*")) {
        boolean hit = n >= trigger.length;
        for (int i = 0; hit && i < trigger.length; i++) {
          hit = buf[i] == trigger[i];
        }
        synchronized (this) {
          marked = hit && armed.get();
          left = afterBytes;
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
          if (clientToServer) {
            onClientBytes(buf, n);
          }
          boolean cutHere = marked && (clientToServer == (direction == Direction.UPLOAD));
          if (cutHere) {
            synchronized (this) {
              if (left <= n) {
                out.write(buf, 0, (int) Math.max(0, left));
                out.flush();
                fired();
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

    private void fired() {
      cuts.incrementAndGet();
      if (!repeat) {
        armed.set(false);
      }
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
