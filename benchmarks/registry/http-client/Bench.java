package dev.ocisquash.registry;

import java.io.InputStream;
import java.net.URI;

/**
 * Times the first download of a fresh JVM through a registry HTTP client (class loading and compilation included,
 * as a CLI run pays them): {@code Transport} is the client under test, compiled beside this file by
 * http-client.sh.
 */
public class Bench {
  public static void main(String[] a) throws Exception {
    long t0 = System.nanoTime();
    long n = 0;
    try (InputStream in = Transport.get(Transport.make(), URI.create(a[0]))) {
      byte[] buf = new byte[256 << 10];
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
      }
    }
    System.out.printf("%d bytes in %.3f s%n", n, (System.nanoTime() - t0) / 1e9);
  }
}
