package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A blob upload in chunks ({@code PATCH} with {@code Content-Range}), then {@code PUT ?digest=} to commit it. Bytes
 * written are gathered into a chunk; a full chunk is sent on another thread while the next one fills, so at most two
 * chunks are in memory. When sending a chunk fails, the upload asks the registry how much it has ({@code GET} on the
 * upload, {@code Range: 0-N}) and sends the rest of the chunk again, a bounded number of times.
 */
public final class BlobUpload extends OutputStream {
  /** Bytes per PATCH: large enough that request overhead is small, small enough to keep two in memory. */
  static final int CHUNK = 16 << 20;

  private final RegistryClient client;
  private final String repo;
  private final ExecutorService executor;
  private byte[] filling = new byte[CHUNK];
  private byte[] sending = new byte[CHUNK];
  private int filled;
  private Future<?> inFlight;
  /** Where the next request goes; the registry moves it after each chunk. Only the sending thread writes it. */
  private volatile URI location;
  /** Bytes the registry has accepted. */
  private volatile long accepted;
  private long written;
  private boolean ended;

  BlobUpload(RegistryClient client, String repo, URI location, ExecutorService executor) {
    this.client = client;
    this.repo = repo;
    this.location = location;
    this.executor = executor;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (ended) {
      throw new IOException("upload already ended");
    }
    while (len > 0) {
      int n = Math.min(len, CHUNK - filled);
      System.arraycopy(b, off, filling, filled, n);
      filled += n;
      off += n;
      len -= n;
      written += n;
      if (filled == CHUNK) {
        sendFilled();
      }
    }
  }

  /** Copies {@code in} to the upload until its end. */
  public long copyFrom(InputStream in) throws IOException {
    long total = 0;
    while (true) {
      int n = in.readNBytes(filling, filled, CHUNK - filled);
      if (n <= 0) {
        return total;
      }
      filled += n;
      written += n;
      total += n;
      if (filled == CHUNK) {
        sendFilled();
      }
    }
  }

  private void sendFilled() throws ImageException {
    awaitInFlight();
    byte[] data = filling;
    filling = sending;
    sending = data;
    int len = filled;
    filled = 0;
    long start = accepted;
    inFlight =
        executor.submit(
            () -> {
              sendChunk(data, len, start);
              return null;
            });
  }

  private void awaitInFlight() throws ImageException {
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof ImageException ie) {
        throw ie;
      }
      throw client.fail(repo, "upload blob", RegistryClient.detail(c), c);
    } finally {
      inFlight = null;
    }
  }

  private String step() {
    return "upload blob (chunk at byte " + accepted + ")";
  }

  private void sendChunk(byte[] data, int len, long start) throws ImageException {
    int tries = client.options().attempts();
    ImageException last = null;
    for (int attempt = 1; attempt <= tries; attempt++) {
      int skip = (int) (accepted - start);
      if (skip >= len) {
        return; // the registry had it all: the last answer was lost, not the bytes
      }
      long from = accepted;
      long to = start + len - 1;
      HttpResponse<InputStream> r;
      try {
        r =
            client.call(
                repo, step(), "PATCH", location, data, skip, len - skip,
                Map.of("Content-Type", "application/octet-stream", "Content-Range", from + "-" + to),
                false);
      } catch (ImageException e) {
        last = e;
        resync(start, len);
        continue;
      }
      if (r.statusCode() == 202) {
        RegistryClient.discard(r);
        location = client.location(repo, step(), r);
        accepted = to + 1;
        return;
      }
      String status = RegistryClient.status(r);
      last = client.fail(repo, step(), status, null);
      if (r.statusCode() != 429 && r.statusCode() < 500 && r.statusCode() != 416) {
        throw last;
      }
      resync(start, len);
    }
    throw last;
  }

  /** Asks the registry how many bytes it holds, after a failed chunk; waits a little first. */
  private void resync(long start, int len) throws ImageException {
    try {
      Thread.sleep(client.options().backoff().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted");
    }
    HttpResponse<InputStream> r = client.call(repo, "upload status", "GET", location, null, Map.of(), true);
    RegistryClient.discard(r);
    if (r.statusCode() != 204) {
      throw client.fail(repo, "upload status", "HTTP " + r.statusCode() + " (the upload cannot be resumed)", null);
    }
    location = client.location(repo, "upload status", r);
    String range = r.headers().firstValue("Range").orElse("0-0");
    long end = Long.parseLong(range.substring(range.indexOf('-') + 1));
    long have = range.equals("0-0") ? 0 : end + 1;
    if (have < start || have > start + len) {
      throw client.fail(repo, "upload status", "registry holds " + have + " bytes, cannot resume the chunk at "
          + start, null);
    }
    accepted = have;
  }

  /** Bytes written to this upload so far. */
  public long written() {
    return written;
  }

  /**
   * Sends what is left and commits the blob under {@code digest}.
   *
   * @throws ImageException when the registry refuses the blob (for example a digest mismatch)
   */
  public void complete(Digest digest) throws ImageException {
    ended = true;
    if (filled > 0) {
      sendFilled();
    }
    awaitInFlight();
    String step = "commit blob " + digest;
    URI put = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
    HttpResponse<InputStream> r;
    try {
      r = client.call(repo, step, "PUT", put, new byte[0], Map.of(), true);
    } catch (ImageException e) {
      // The commit may have succeeded with its answer lost: then the blob is there.
      if (client.blobSize(repo, digest) == accepted) {
        return;
      }
      throw e;
    }
    if (r.statusCode() != 201) {
      String status = RegistryClient.status(r);
      if (r.statusCode() == 404 && client.blobSize(repo, digest) == accepted) {
        return;
      }
      throw client.fail(repo, step, status, null);
    }
    RegistryClient.discard(r);
  }

  /** Abandons the upload ({@code DELETE}); errors are ignored, the registry expires stale uploads anyway. */
  public void abort() {
    ended = true;
    try {
      if (inFlight != null) {
        inFlight.cancel(true);
        inFlight = null;
      }
      RegistryClient.discard(client.call(repo, "cancel upload", "DELETE", location, null, Map.of(), false));
    } catch (ImageException | RuntimeException e) {
      // best effort
    }
  }

  @Override
  public void close() {
    if (!ended) {
      abort();
    }
  }
}
