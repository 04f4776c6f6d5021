package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A blob's bytes as they arrive from {@code GET /v2/REPO/blobs/DIGEST}. When the connection breaks, or stalls (no
 * byte for {@code ocisquash.registry.stall-seconds}, default 120, sooner than the connection's own 5-minute read
 * timeout), the stream asks again from where it stopped ({@code Range: bytes=N-}), a bounded number of times, so the caller sees one
 * uninterrupted stream. Nothing is buffered beyond the socket's; the caller verifies the digest as it reads.
 */
final class BlobDownload extends InputStream {
  /** Read per download, so a test (or an embedding program) can change it between runs. */
  private final long stallNanos = Long.getLong("ocisquash.registry.stall-seconds", 120) * 1_000_000_000L;
  private final RegistryClient client;
  private final String repo;
  private final Digest digest;
  private final long size;
  private int resumesLeft;
  private volatile InputStream in;
  private long position;
  private volatile boolean closed;
  /** When the last byte arrived (or a read began after a pause), for the stall check. */
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean reading;
  private volatile boolean stalled;
  private final java.util.concurrent.ScheduledFuture<?> watch;

  BlobDownload(RegistryClient client, String repo, Digest digest, long size, int attempts) throws ImageException {
    this.client = client;
    this.repo = repo;
    this.digest = digest;
    this.size = size;
    this.resumesLeft = attempts - 1;
    this.in = open(0);
    this.watch = client.watch(this::checkStall);
  }

  /** Runs every second: a read waiting too long on a silent connection is cut, so it resumes. */
  private void checkStall() {
    if (!closed && reading && System.nanoTime() - lastProgress > stallNanos) {
      stalled = true;
      lastProgress = System.nanoTime();
      try {
        in.close();
      } catch (IOException e) {
        // the read fails either way
      }
    }
  }

  private String step() {
    return "download blob " + digest;
  }

  private InputStream open(long from) throws ImageException {
    Map<String, String> headers = from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
    HttpReply r =
        client.call(repo, step(), "GET", client.uri("/v2/" + repo + "/blobs/" + digest), null, headers, true);
    int s = r.statusCode();
    if (s == 206 && from > 0) {
      String range = r.header("Content-Range").orElse("");
      if (!range.startsWith("bytes " + from + "-")) {
        Responses.discard(r);
        throw client.fail(repo, step(), "resumed at byte " + from + " but the registry sent '" + range + "'", null);
      }
      return r.body();
    }
    if (s != 200) {
      throw client.fail(repo, step(), Responses.status(r) + (from > 0 ? " (resuming at byte " + from + ")" : ""), null);
    }
    InputStream body = r.body();
    if (from > 0) {
      // The registry ignored the range: skip what was read already.
      try {
        body.skipNBytes(from);
      } catch (IOException e) {
        Responses.discard(r);
        throw client.fail(repo, step(), "connection broke again while skipping to byte " + from, e);
      }
    }
    return body;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (true) {
      IOException broke;
      try {
        lastProgress = System.nanoTime();
        reading = true;
        int n;
        try {
          n = in.read(b, off, len);
        } finally {
          reading = false;
        }
        if (!stalled) {
          // After a stall the bytes of this read are not used: the resumed request sends them again.
          if (n > 0) {
            position += n;
            return n;
          }
          if (n < 0 && (size < 0 || position >= size)) {
            return -1;
          }
          if (n == 0) {
            return 0;
          }
        }
        broke = stalled ? stallFailure(null) : new IOException("connection closed at byte " + position + " of " + size);
      } catch (IOException e) {
        broke = stalled ? stallFailure(e) : e;
      }
      stalled = false;
      if (resumesLeft-- <= 0) {
        watch.cancel(false);
        throw client.fail(repo, step(), Responses.detail(broke) + " (no resumes left)", broke);
      }
      try {
        in.close();
      } catch (IOException ignored) {
        // the connection is gone anyway
      }
      in = open(position);
    }
  }

  private IOException stallFailure(IOException cause) {
    return new IOException("no data for " + stallNanos / 1_000_000_000L + " s at byte " + position, cause);
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      watch.cancel(false);
      in.close();
    }
  }
}
