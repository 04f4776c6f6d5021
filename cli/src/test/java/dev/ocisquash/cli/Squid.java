package dev.ocisquash.cli;

import dev.ocisquash.testing.Proc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's squid on 127.0.0.1, started by a test: one port open to all, one that wants basic proxy
 * auth ({@link #USER}, {@link #PASS}). Its hosts file maps {@link #NAME} to 127.0.0.1, a name only
 * the proxy can resolve, so a request that reaches the registry by that name went through squid
 * (clients never proxy loopback addresses, Go's rule); its access log shows each request. squid
 * drops to user {@code proxy}, which owns its directory.
 */
final class Squid implements AutoCloseable {
  static final String NAME = "registry.proxied.test";
  static final String USER = "puser";
  static final String PASS = "p:ss";
  final int openPort;
  final int authPort;
  private final Path dir;
  private final Process process;

  private Squid(Path dir, int openPort, int authPort, Process process) {
    this.dir = dir;
    this.openPort = openPort;
    this.authPort = authPort;
    this.process = process;
  }

  static Squid start() throws Exception {
    Path dir = Files.createTempDirectory("ocisquash-squid");
    int open = freePort();
    int auth = freePort();
    Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + NAME + "\n");
    Proc.of("htpasswd", "-bcm", dir.resolve("passwd").toString(), USER, PASS).timeout(30).check();
    String d = dir.toString();
    Files.writeString(
        dir.resolve("squid.conf"),
        String.join(
            "\n",
            "http_port 127.0.0.1:" + open + " name=open",
            "http_port 127.0.0.1:" + auth + " name=authed",
            "hosts_file " + d + "/hosts",
            "dns_nameservers 127.0.0.1",
            "pid_filename " + d + "/squid.pid",
            "access_log stdio:" + d + "/access.log",
            "cache_log " + d + "/cache.log",
            "cache_store_log none",
            "cache deny all",
            "pinger_enable off",
            "coredump_dir " + d,
            "shutdown_lifetime 0 seconds",
            "auth_param basic program /usr/lib/squid/basic_ncsa_auth " + d + "/passwd",
            "auth_param basic realm ocisquash-test-proxy",
            "acl authport myportname authed",
            "acl authok proxy_auth REQUIRED",
            "http_access allow authport authok",
            "http_access deny authport",
            "http_access allow all",
            ""));
    Proc.of("chown", "-R", "proxy:proxy", d).timeout(30).check();
    Process p = Proc.of("squid", "-N", "-f", d + "/squid.conf").start(dir.resolve("out.log"));
    Squid s = new Squid(dir, open, auth, p);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try (Socket a = new Socket(InetAddress.getLoopbackAddress(), open);
          Socket b = new Socket(InetAddress.getLoopbackAddress(), auth)) {
        return s;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          String log = Files.readString(dir.resolve("out.log"));
          s.close();
          throw new AssertionError("squid did not start:\n" + log);
        }
        Thread.sleep(100);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code http://127.0.0.1:PORT} of the open port. */
  String openUrl() {
    return "http://127.0.0.1:" + openPort;
  }

  /**
   * {@code http://USER:PASS@127.0.0.1:PORT} of the port that wants auth, the password's colon
   * escaped.
   */
  String authUrl(String user, String pass) {
    return "http://" + user + ":" + pass.replace(":", "%3A") + "@127.0.0.1:" + authPort;
  }

  /** The access log lines so far (squid writes each when its request ends). */
  List<String> log() throws IOException {
    Path f = dir.resolve("access.log");
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind
    }
  }
}
