package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A blob upload in chunks ({@code PATCH} with {@code Content-Range}), then {@code PUT ?digest=} to commit it. Bytes
 * written are gathered into a chunk; a full chunk is sent on another thread while the next one fills, so at most two
 * chunks are in memory.
 *
 * <p>When a chunk fails, the upload asks the registry how much it holds ({@code GET} on the upload, {@code Range:
 * 0-N}) and sends the rest. A registry may instead drop the upload (distribution does when a broken request left
 * part of a chunk behind): then the upload starts again and sends the earlier bytes from a copy kept in a temporary
 * file as they were written, the only way to resend bytes that were made on the fly. Failures are bounded by the
 * retry count for the whole upload.
 */
public final class BlobUpload extends OutputStream {
  /** Bytes per PATCH: large enough that request overhead is small, small enough to keep two in memory. */
  static final int CHUNK = 16 << 20;

  private static final int FIRST_BUFFER = 64 << 10;

  private final RegistryClient client;
  private final String repo;
  private final ExecutorService executor;
  private final TempFiles tempFiles;
  /**
   * The chunk being filled. It starts small and grows to {@link #CHUNK} only as bytes come: a config or a small
   * layer never takes the two 16 MiB arrays, which the collector would otherwise copy into the old generation.
   */
  private byte[] filling = new byte[FIRST_BUFFER];
  /** The chunk being sent, or null before the first one went. */
  private byte[] sending;
  private int filled;
  private Future<?> inFlight;
  /** Where the next request goes; the registry moves it after each chunk. Only the sending thread writes it. */
  private volatile URI location;
  /** Bytes the registry has accepted. */
  private volatile long accepted;
  private long written;
  private boolean ended;
  private int failuresLeft;
  /** Everything written so far, for a restart; null when not kept. */
  private final Path teePath;
  private final FileChannel tee;

  /**
   * @param teeDir where to keep the copy of the bytes for a restart, or null to keep none (a dropped upload then
   *     fails the push)
   */
  BlobUpload(RegistryClient client, String repo, URI location, ExecutorService executor, Path teeDir,
      TempFiles tempFiles) throws ImageException {
    this.client = client;
    this.repo = repo;
    this.location = location;
    this.executor = executor;
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
    while (len > 0) {
      int n = Math.min(len, CHUNK - filled);
      grow(filled + n);
      System.arraycopy(b, off, filling, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == CHUNK) {
        sendFilled();
      }
    }
  }

  /** Copies {@code in} to the upload until its end; returns the bytes copied. */
  public long copyFrom(InputStream in) throws IOException {
    long total = 0;
    while (true) {
      if (filled == filling.length) {
        grow(filled + 1);
      }
      int n = in.readNBytes(filling, filled, filling.length - filled);
      if (n <= 0) {
        return total;
      }
      filled += n;
      total += n;
      if (filled == CHUNK) {
        sendFilled();
      }
    }
  }

  /** Makes room for {@code needed} bytes in the chunk being filled (at most {@link #CHUNK}), doubling. */
  private void grow(int needed) {
    if (needed > filling.length) {
      filling = java.util.Arrays.copyOf(filling, Math.min(CHUNK, Math.max(needed, 2 * filling.length)));
    }
  }

  private void sendFilled() throws ImageException {
    keep(filling, filled, written);
    written += filled;
    awaitInFlight();
    byte[] data = filling;
    filling = sending != null ? sending : new byte[CHUNK];
    sending = data;
    int len = filled;
    filled = 0;
    long start = written - len;
    inFlight =
        executor.submit(
            () -> {
              sendRange(data, len, start);
              return null;
            });
  }

  private void keep(byte[] data, int len, long at) throws ImageException {
    if (tee == null) {
      return;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data, 0, len);
      long pos = at;
      while (b.hasRemaining()) {
        pos += tee.write(b, pos);
      }
    } catch (IOException e) {
      throw ImageException.cannotWrite(teePath.toString(), "upload copy", e);
    }
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
      throw client.fail(repo, "upload blob", Responses.detail(c), c);
    } finally {
      inFlight = null;
    }
  }

  private String step() {
    return "upload blob (chunk at byte " + accepted + ")";
  }

  /** Sends {@code data[0..len)}, which belongs at {@code start}, until the registry holds all of it. */
  private void sendRange(byte[] data, int len, long start) throws ImageException {
    while (accepted < start + len) {
      ImageException err;
      try {
        int status = patch(data, len, start);
        if (status == 202) {
          continue;
        }
        err = client.fail(repo, step(), "HTTP " + status, null);
      } catch (ImageException e) {
        err = e;
      }
      if (failuresLeft-- <= 0) {
        throw err;
      }
      pause();
      if (!resync(start, len)) {
        if (tee == null) {
          throw client.fail(repo, step(), Responses.detail(err) + "; the registry dropped the upload", err);
        }
        restart(start);
      }
    }
  }

  /** One PATCH of what the registry lacks of the range; returns 202 or a retriable status, throws otherwise. */
  private int patch(byte[] data, int len, long start) throws ImageException {
    int skip = (int) (accepted - start);
    long to = start + len - 1;
    HttpReply r =
        client.call(repo, step(), "PATCH", location, data, skip, len - skip,
            Map.of("Content-Type", "application/octet-stream", "Content-Range", accepted + "-" + to), false);
    int s = r.statusCode();
    if (s == 202) {
      Responses.discard(r);
      location = client.location(repo, step(), r);
      accepted = to + 1;
      return s;
    }
    String status = Responses.status(r);
    if (s == 429 || s >= 500 || s == 416 || s == 404) {
      return s;
    }
    throw client.fail(repo, step(), status, null);
  }

  private void pause() throws ImageException {
    try {
      Thread.sleep(client.options().backoff().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted");
    }
  }

  /**
   * Asks the registry how many bytes it holds after a failed chunk.
   *
   * @return true when it holds a prefix the chunk at {@code start} can continue from; false when the upload is gone
   */
  private boolean resync(long start, int len) throws ImageException {
    HttpReply r = client.call(repo, "upload status", "GET", location, null, Map.of(), true);
    Responses.discard(r);
    if (r.statusCode() != 204) {
      return false;
    }
    String range = r.header("Range").orElse("0-0");
    long end;
    try {
      end = Long.parseLong(range.substring(range.indexOf('-') + 1).trim());
    } catch (NumberFormatException e) {
      return false;
    }
    long have = range.equals("0-0") ? 0 : end + 1;
    if (have < start || have > start + len) {
      return false;
    }
    location = client.location(repo, "upload status", r);
    accepted = have;
    return true;
  }

  /** Starts the upload again and resends the first {@code upTo} bytes from the kept copy. */
  private void restart(long upTo) throws ImageException {
    location = client.newUpload(repo);
    accepted = 0;
    byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(upTo, 1))];
    while (accepted < upTo) {
      long base = accepted;
      int n = (int) Math.min(buf.length, upTo - base);
      try {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          if (tee.read(b, base + b.position()) < 0) {
            throw new IOException("upload copy ends early");
          }
        }
      } catch (IOException e) {
        throw client.fail(repo, "upload blob", "cannot read back " + teePath + ": " + Responses.detail(e), e);
      }
      sendRange(buf, n, base);
    }
  }

  /** Bytes written to this upload so far. */
  public long written() {
    return written + filled;
  }

  /**
   * Sends what is left and commits the blob under {@code digest}.
   *
   * @throws ImageException when the registry refuses the blob (for example a digest mismatch)
   */
  public void complete(Digest digest) throws ImageException {
    if (filled > 0) {
      sendFilled();
    }
    ended = true;
    awaitInFlight();
    String step = "commit blob " + digest;
    URI put = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
    try {
      HttpReply r;
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
        String status = Responses.status(r);
        if (r.statusCode() == 404 && client.blobSize(repo, digest) == accepted) {
          return;
        }
        throw client.fail(repo, step, status, null);
      }
      Responses.discard(r);
    } finally {
      dropTee();
    }
  }

  /** Abandons the upload ({@code DELETE}); errors are ignored, the registry expires stale uploads anyway. */
  public void abort() {
    ended = true;
    try {
      if (inFlight != null) {
        inFlight.cancel(true);
        inFlight = null;
      }
      Responses.discard(client.call(repo, "cancel upload", "DELETE", location, null, Map.of(), false));
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
