package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * Decompresses a layer blob while hashing both the raw bytes (blob digest) and the uncompressed
 * ones (diff_id), so one pass over the data both feeds the caller and proves it is what the
 * manifest and config declare.
 */
final class VerifyingLayerStream extends LayerStream {
  private final ArchiveLayer layer;
  private final Compression compression;
  private final HashingInputStream raw;
  private final InputStream decoded;
  private final MessageDigest diffHash;

  /**
   * An uncompressed blob is its own tar: one hash serves as blob digest and diff_id (SHA-256 is the
   * slow part).
   */
  private final boolean oneHash;

  /**
   * Where the blob's size and digest come from when a second read of the blob takes them ({@link
   * #withAsideBlobCheck}); null when this stream hashes the blob itself.
   */
  private final @Nullable AsideBlobCheck aside;

  /** The diff_id is hashed and checked by whoever took {@link #handOverDiffId()}. */
  private boolean diffIdHandedOver;

  private long uncompressed;
  private boolean verified;
  private boolean closed;

  VerifyingLayerStream(ArchiveLayer layer, InputStream rawBlob, Compression compression)
      throws IOException {
    this(layer, rawBlob, compression, null);
  }

  private VerifyingLayerStream(
      ArchiveLayer layer,
      InputStream rawBlob,
      Compression compression,
      @Nullable AsideBlobCheck aside)
      throws IOException {
    this.layer = layer;
    this.compression = compression;
    this.aside = aside;
    Digest declared = layer.declaredDigest();
    this.raw =
        new HashingInputStream(
            rawBlob, declared == null ? "SHA-256" : declared.jdkAlgorithm(), aside == null);
    this.diffHash = newDigest(layer.diffId().jdkAlgorithm());
    this.oneHash =
        aside == null
            && compression == Compression.NONE
            && layer
                .diffId()
                .jdkAlgorithm()
                .equals(declared == null ? "SHA-256" : declared.jdkAlgorithm());
    InputStream d;
    try {
      d = Codecs.decompress(raw, compression);
    } catch (IOException e) {
      rawBlob.close();
      throw corrupt(e);
    }
    this.decoded = d;
  }

  /**
   * A compressed layer whose blob is read twice: once here, decompressed, and once on a thread of
   * its own ({@link AsideBlobCheck}) that takes the blob's size and digest. The checks, their order
   * and their messages are those of a stream that hashes the blob itself.
   */
  static VerifyingLayerStream withAsideBlobCheck(
      ArchiveLayer layer, InputStream rawBlob, Compression compression) throws IOException {
    Digest declared = layer.declaredDigest();
    AsideBlobCheck aside;
    try {
      aside = new AsideBlobCheck(layer, declared == null ? "SHA-256" : declared.jdkAlgorithm());
    } catch (IOException | RuntimeException e) {
      rawBlob.close();
      throw e;
    }
    try {
      return new VerifyingLayerStream(layer, rawBlob, compression, aside);
    } catch (IOException | RuntimeException e) {
      aside.cancel();
      throw e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (verified) {
      return -1;
    }
    int n;
    try {
      n = decoded.read(b, off, len);
    } catch (ImageException e) {
      throw e;
    } catch (IOException e) {
      throw corrupt(e);
    }
    if (n < 0) {
      verify();
      return -1;
    }
    if (!oneHash && !diffIdHandedOver) {
      diffHash.update(b, off, n);
    }
    uncompressed += n;
    return n;
  }

  @Override
  public void finish() throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (read(buf, 0, buf.length) >= 0) {
      // drain: the digests cover every byte
    }
  }

  @Override
  public @Nullable DiffIdCheck handOverDiffId() {
    if (oneHash || uncompressed > 0 || verified || diffIdHandedOver) {
      return null;
    }
    diffIdHandedOver = true;
    return new DiffIdCheck(diffHash, this::checkDiffId);
  }

  /** Whether a second read of the blob takes its size and digest (for tests). */
  boolean checksBlobAside() {
    return aside != null;
  }

  @Override
  public long uncompressedBytes() {
    return uncompressed;
  }

  @Override
  public long compressedBytes() {
    return raw.count;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      if (aside != null) {
        aside.cancel();
      }
      decoded.close();
    }
  }

  private void verify() throws IOException {
    verified = true;
    AsideBlobCheck.Result blobRead = readWholeBlob();
    long declaredSize = layer.declaredSize();
    if (declaredSize >= 0 && declaredSize != blobRead.size()) {
      throw fail(
          "blob size mismatch: manifest says "
              + declaredSize
              + " bytes, blob is "
              + blobRead.size()
              + " bytes");
    }
    Digest declared = layer.declaredDigest();
    byte[] blobHash = blobRead.hash();
    Digest blob = toDigest(declared == null ? "sha256" : declared.algorithm(), blobHash);
    if (declared != null) {
      if (!declared.equals(blob)) {
        throw fail("blob digest mismatch: manifest says " + declared + ", content is " + blob);
      }
    } else {
      layer.rememberDigest(blob);
    }
    if (!diffIdHandedOver) {
      checkDiffId(oneHash ? blobHash : diffHash.digest());
    }
  }

  /**
   * The whole blob's size and hash: from the second read when there is one, else from this read,
   * drained to the blob's end (bytes after the end of the compressed stream still belong to the
   * blob and its digest).
   */
  private AsideBlobCheck.Result readWholeBlob() throws IOException {
    if (aside != null) {
      return aside.await();
    }
    byte[] buf = new byte[16 * 1024];
    while (raw.read(buf, 0, buf.length) >= 0) {
      // drain
    }
    return new AsideBlobCheck.Result(raw.count, raw.hash.digest());
  }

  private void checkDiffId(byte[] hash) throws ImageException {
    Digest diff = toDigest(layer.diffId().algorithm(), hash);
    if (!diff.equals(layer.diffId())) {
      throw fail(
          "diff_id mismatch: config says "
              + layer.diffId()
              + ", uncompressed "
              + (compression == Compression.NONE ? "" : Codecs.name(compression) + " ")
              + "content is "
              + diff);
    }
  }

  private ImageException corrupt(IOException e) {
    // A damaged blob usually breaks the decompressor first; when the manifest declares a digest,
    // the digest
    // mismatch is the more precise report, so prefer it.
    Digest declared = layer.declaredDigest();
    if (declared != null) {
      try {
        Digest blob = toDigest(declared.algorithm(), readWholeBlob().hash());
        if (!declared.equals(blob)) {
          return fail("blob digest mismatch: manifest says " + declared + ", content is " + blob);
        }
      } catch (IOException ignored) {
        // fall through to the decompression error
      }
    }
    String c = Codecs.name(compression);
    String msg = e.getMessage() == null ? "" : e.getMessage();
    boolean truncated =
        e instanceof EOFException
            || msg.contains("Unexpected end")
            || msg.toLowerCase(java.util.Locale.ROOT).contains("truncated");
    String problem =
        truncated
            ? "truncated " + c + " stream"
            : "corrupt " + c + " stream (" + oneLine(msg) + ")";
    return new ImageException(
        ImageException.interruption(e) ? Kind.INTERRUPTED : Kind.CORRUPT_INPUT,
        ImageException.where(layer.display(), layer.label(), null, problem),
        e);
  }

  private ImageException fail(String problem) {
    return new ImageException(
        Kind.CORRUPT_INPUT, ImageException.where(layer.display(), layer.label(), null, problem));
  }

  /** Builds a digest of any supported algorithm from raw hash bytes. */
  static Digest toDigest(String algorithm, byte[] hash) {
    StringBuilder sb = new StringBuilder(algorithm).append(':');
    for (byte b : hash) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return Digest.parse(sb.toString());
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  static MessageDigest newDigest(String alg) {
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(alg + " missing from the JDK", e);
    }
  }

  /** Hashes and counts every byte that passes through. */
  static final class HashingInputStream extends InputStream {
    private final InputStream in;
    private final boolean hashing;
    final MessageDigest hash;
    long count;

    HashingInputStream(InputStream in, String alg) {
      this(in, alg, true);
    }

    /**
     * @param hashing false to count the bytes only (another read of the same bytes hashes them)
     */
    HashingInputStream(InputStream in, String alg, boolean hashing) {
      this.in = in;
      this.hashing = hashing;
      this.hash = newDigest(alg);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        if (hashing) {
          hash.update((byte) b);
        }
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        if (hashing) {
          hash.update(b, off, n);
        }
        count += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
