package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A blob's bytes as they arrive from {@code GET /v2/REPO/blobs/DIGEST}. When the connection breaks,
 * or the registry is cut for moving too slowly ({@link RateGuard}: a stalled or dripping download),
 * the stream asks again from where it stopped ({@code Range: bytes=N-}), a bounded number of times,
 * so the caller sees one uninterrupted stream. The body is cut at the descriptor's size: a byte
 * more is an error. Nothing is buffered beyond the connection's; the caller verifies the digest as
 * it reads.
 */
final class BlobDownload extends InputStream {
  private final RegistryClient client;
  private final String repo;
  private final Digest digest;
  private final long size;
  private int resumesLeft;
  private InputStream in;
  private long position;
  private boolean closed;

  BlobDownload(RegistryClient client, String repo, Digest digest, long size, int attempts)
      throws ImageException {
    this.client = client;
    this.repo = repo;
    this.digest = digest;
    this.size = size;
    this.resumesLeft = attempts - 1;
    this.in = open(0);
  }

  private String step() {
    return "download blob " + digest;
  }

  private InputStream open(long from) throws ImageException {
    Map<String, String> headers = from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
    HttpReply r =
        client.call(
            repo,
            step(),
            "GET",
            client.uri("/v2/" + repo + "/blobs/" + digest),
            null,
            headers,
            true);
    int s = r.statusCode();
    if (s == 206 && from > 0) {
      String range = r.header("Content-Range").orElse("");
      if (!range.startsWith("bytes " + from + "-")) {
        Responses.discard(r);
        throw client.fail(
            repo,
            step(),
            "resumed at byte " + from + " but the registry sent '" + range + "'",
            null);
      }
      return r.body();
    }
    if (s != 200) {
      throw client.failed(repo, step(), r, from > 0 ? " (resuming at byte " + from + ")" : "");
    }
    long declared = r.headerLong("Content-Length").orElse(-1);
    if (size >= 0 && declared > size) {
      Responses.discard(r);
      throw tooLong();
    }
    InputStream body = r.body();
    if (from > 0) {
      // The registry ignored the range: skip what was read already.
      try {
        body.skipNBytes(from);
      } catch (IOException e) {
        Responses.discard(r);
        throw client.fail(
            repo,
            step(),
            "connection broke again while skipping to byte " + from + ": " + Responses.detail(e),
            e);
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
    if (size >= 0 && position >= size) {
      return atEnd();
    }
    int want = size >= 0 ? (int) Math.min(len, size - position) : len;
    while (true) {
      IOException broke;
      try {
        int n = in.read(b, off, want);
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
        broke = new IOException("connection closed at byte " + position + " of " + size);
      } catch (IOException e) {
        broke = e;
      }
      if (resumesLeft-- <= 0) {
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

  /**
   * After the descriptor's last byte the body must end: one byte more is an error naming the blob,
   * so a hostile registry cannot feed a reader more than the descriptor's size (the bound on memory
   * for configs).
   */
  private int atEnd() throws IOException {
    int extra;
    try {
      extra = in.read();
    } catch (IOException e) {
      return -1; // the bytes the descriptor names all came; the digest check decides
    }
    if (extra >= 0) {
      in.close();
      throw tooLong();
    }
    return -1;
  }

  private ImageException tooLong() {
    return client.fail(
        repo, step(), "the registry sends more than the descriptor's " + size + " bytes", null);
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      in.close();
    }
  }
}
