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

  /** The diff_id is hashed and checked by whoever took {@link #handOverDiffId()}. */
  private boolean diffIdHandedOver;

  private long uncompressed;
  private boolean verified;
  private boolean closed;

  VerifyingLayerStream(ArchiveLayer layer, InputStream rawBlob, Compression compression)
      throws IOException {
    this.layer = layer;
    this.compression = compression;
    Digest declared = layer.declaredDigest();
    this.raw =
        new HashingInputStream(rawBlob, declared == null ? "SHA-256" : declared.jdkAlgorithm());
    this.diffHash = newDigest(layer.diffId().jdkAlgorithm());
    this.oneHash =
        compression == Compression.NONE
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
      decoded.close();
    }
  }

  private void verify() throws IOException {
    verified = true;
    // Bytes after the end of the compressed stream still belong to the blob and its digest.
    byte[] buf = new byte[16 * 1024];
    while (raw.read(buf, 0, buf.length) >= 0) {
      // drain
    }
    long declaredSize = layer.declaredSize();
    if (declaredSize >= 0 && declaredSize != raw.count) {
      throw fail(
          "blob size mismatch: manifest says "
              + declaredSize
              + " bytes, blob is "
              + raw.count
              + " bytes");
    }
    Digest declared = layer.declaredDigest();
    byte[] blobHash = raw.hash.digest();
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
        byte[] buf = new byte[16 * 1024];
        while (raw.read(buf, 0, buf.length) >= 0) {
          // drain
        }
        Digest blob = toDigest(declared.algorithm(), raw.hash.digest());
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
    final MessageDigest hash;
    long count;

    HashingInputStream(InputStream in, String alg) {
      this.in = in;
      this.hash = newDigest(alg);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        hash.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        hash.update(b, off, n);
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
