package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A blob upload streamed as it is written: one {@code PATCH} whose body (chunked transfer coding)
 * carries the bytes as they come, then {@code PUT ?digest=} to commit it. The link is busy from the
 * first byte to the last, whatever the blob's size, and nothing is held in memory beyond the
 * socket's buffers. (Fixed-size chunks, used before, left the link idle while each chunk filled and
 * sent the last one after the layer was complete: 0.3 s more for a 47 MiB layer at 50 MiB/s.)
 *
 * <p>When the request breaks, or the registry answers it with 429, 5xx, 404 or 416, the upload asks
 * the registry how much it holds ({@code GET} on the upload, {@code Range: 0-N}) and streams the
 * rest again from a copy kept in a temporary file as the bytes were written. A registry may instead
 * drop the upload (distribution does when a broken request left part of its body behind): then the
 * upload starts again and resends everything from that copy. Failures are bounded by the retry
 * count for the whole upload.
 */
public final class BlobUpload extends OutputStream {
  private static final int COPY_BUFFER = 256 << 10;

  private final RegistryClient client;
  private final String repo;
  private final TempFiles tempFiles;

  /** Where the next request goes; the registry moves it after each one. */
  private URI location;

  /** The PATCH being sent, or null before the first byte and after a failure. */
  private HttpTransport.@Nullable StreamedRequest stream;

  private long written;
  private boolean ended;
  private int failuresLeft;

  /** Everything written so far, for a resend; null when not kept. */
  private final @Nullable Path teePath;

  private final @Nullable FileChannel tee;

  /**
   * @param teeDir where to keep the copy of the bytes for a resend, or null to keep none (a broken
   *     request then fails the push)
   */
  BlobUpload(
      RegistryClient client, String repo, URI location, @Nullable Path teeDir, TempFiles tempFiles)
      throws ImageException {
    this.client = client;
    this.repo = repo;
    this.location = location;
    this.tempFiles = tempFiles;
    this.failuresLeft = client.options().attempts() - 1;
    if (teeDir == null) {
      teePath = null;
      tee = null;
      return;
    }
    try {
      teePath = Files.createTempFile(teeDir, "ocisquash-upload-", ".blob");
      tempFiles.register(teePath);
      tee = FileChannel.open(teePath, StandardOpenOption.WRITE, StandardOpenOption.READ);
    } catch (IOException e) {
      throw ImageException.cannotWrite(teeDir.toString(), "upload copy", e);
    }
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
    if (len == 0) {
      return;
    }
    keep(b, off, len, written);
    written += len;
    try {
      if (stream == null) {
        stream = client.streamTo(location);
      }
      stream.body().write(b, off, len);
    } catch (IOException e) {
      recover(e);
    }
  }

  /** Copies {@code in} to the upload until its end; returns the bytes copied. */
  public long copyFrom(InputStream in) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      write(buf, 0, n);
      total += n;
    }
    return total;
  }

  private void keep(byte[] data, int off, int len, long at) throws ImageException {
    if (tee == null || teePath == null) {
      return;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data, off, len);
      long pos = at;
      while (b.hasRemaining()) {
        pos += tee.write(b, pos);
      }
    } catch (IOException e) {
      throw ImageException.cannotWrite(teePath.toString(), "upload copy", e);
    }
  }

  /**
   * After a failed request: waits, asks the registry what it holds (or starts the upload again when
   * it dropped it), and streams the rest of what was written from the copy, until that works or the
   * retries run out.
   */
  private void recover(Exception cause) throws ImageException {
    Exception last = cause;
    while (true) {
      if (stream != null) {
        stream.abort();
        stream = null;
      }
      if (failuresLeft-- <= 0) {
        throw last instanceof ImageException ie
            ? ie
            : client.fail(repo, step(), Responses.detail(last) + " (no retries left)", last);
      }
      pause();
      long have = resync();
      if (have < 0) {
        location = client.newUpload(repo);
        have = 0;
      }
      if (have < written && tee == null) {
        throw client.fail(
            repo, step(), Responses.detail(cause) + "; no copy kept to send the rest again", cause);
      }
      try {
        HttpTransport.StreamedRequest s = client.streamTo(location);
        stream = s;
        resend(s, have);
        return;
      } catch (IOException e) {
        last = e;
      }
    }
  }

  /** Streams the copy's bytes from {@code from} up to what was written into the open request. */
  private void resend(HttpTransport.StreamedRequest to, long from) throws IOException {
    if (from >= written) {
      return;
    }
    FileChannel copy = Objects.requireNonNull(tee, "no upload copy (recover checks for one)");
    byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, written - from))];
    for (long at = from; at < written; ) {
      int n = (int) Math.min(buf.length, written - at);
      ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
      try {
        while (b.hasRemaining()) {
          if (copy.read(b, at + b.position()) < 0) {
            throw new IOException("upload copy ends early");
          }
        }
      } catch (IOException e) {
        throw client.fail(
            repo, "upload blob", "cannot read back " + teePath + ": " + Responses.detail(e), e);
      }
      to.body().write(buf, 0, n);
      at += n;
    }
  }

  private String step() {
    return "upload blob (" + written + " bytes written)";
  }

  private void pause() throws ImageException {
    try {
      Thread.sleep(client.options().backoff().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException(Kind.INTERRUPTED, "interrupted");
    }
  }

  /**
   * Asks the registry how many bytes it holds after a failed request.
   *
   * @return the bytes it holds, a prefix of what was written; -1 when the upload is gone or holds
   *     something else
   */
  private long resync() throws ImageException {
    HttpReply r = client.call(repo, "upload status", "GET", location, null, Map.of(), true);
    Responses.discard(r);
    if (r.statusCode() != 204) {
      return -1;
    }
    String range = r.header("Range").orElse("0-0");
    long end;
    try {
      end = Long.parseLong(range.substring(range.indexOf('-') + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
    long have = range.equals("0-0") ? 0 : end + 1;
    if (have > written) {
      return -1;
    }
    location = client.location(repo, "upload status", r);
    return have;
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
    try {
      endStream();
    } catch (ImageException e) {
      dropTee();
      throw e;
    }
    String step = "commit blob " + digest;
    URI put =
        URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
    try {
      HttpReply r;
      try {
        r = client.call(repo, step, "PUT", put, new byte[0], Map.of(), true);
      } catch (ImageException e) {
        // The commit may have succeeded with its answer lost: then the blob is there.
        if (client.blobSize(repo, digest) == written) {
          return;
        }
        throw e;
      }
      if (r.statusCode() != 201) {
        RegistryException refused = client.failed(repo, step, r, "");
        if (r.statusCode() == 404 && client.blobSize(repo, digest) == written) {
          return;
        }
        throw refused;
      }
      Responses.discard(r);
    } finally {
      dropTee();
    }
  }

  /**
   * Ends the PATCH (sending nothing when nothing was written) until the registry has accepted every
   * byte.
   */
  private void endStream() throws ImageException {
    while (stream != null) {
      Exception failure;
      try {
        HttpReply r = stream.finish();
        stream = null;
        int s = r.statusCode();
        if (s == 202) {
          Responses.discard(r);
          location = client.location(repo, step(), r);
          return;
        }
        RegistryException refused = client.failed(repo, step(), r, "");
        if (s != 429 && s < 500 && s != 416 && s != 404) {
          throw refused;
        }
        failure = new IOException(refused.detail());
      } catch (ImageException e) {
        throw e;
      } catch (IOException e) {
        failure = e;
      }
      recover(failure);
    }
  }

  /**
   * Abandons the upload ({@code DELETE}); errors are ignored, the registry expires stale uploads
   * anyway.
   */
  public void abort() {
    ended = true;
    try {
      if (stream != null) {
        stream.abort();
        stream = null;
      }
      Responses.discard(
          client.call(repo, "cancel upload", "DELETE", location, null, Map.of(), false));
    } catch (ImageException | RuntimeException e) {
      // best effort
    } finally {
      dropTee();
    }
  }

  private void dropTee() {
    if (tee == null) {
      return;
    }
    try {
      tee.close();
      Files.deleteIfExists(teePath);
    } catch (IOException e) {
      // a temp file left in the temp dir; the signal hook or the OS removes it
    }
    tempFiles.unregister(teePath);
  }

  @Override
  public void close() {
    if (!ended) {
      abort();
    }
  }
}
