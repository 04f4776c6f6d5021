package dev.ocisquash.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Opens layer and archive blobs by their magic bytes rather than their media type, because
 * registries and {@code docker save} are not reliable about media types.
 *
 * <p>gzip is read with Intel ISA-L ({@link IsalGzipInputStream}) when it is usable, else with the
 * JDK's {@link GZIPInputStream}; see {@link GzipDecoder}. Both read every member of a multi-member
 * file.
 *
 * <p>A truncated gzip or zstd stream surfaces as an {@link IOException} ({@link
 * java.io.EOFException} for gzip); callers wrap it with the blob's name.
 */
public final class Decompressors {
  private static final int BUFFER = 64 * 1024;

  private Decompressors() {}

  /**
   * Detects the compression from the first bytes and returns a stream of the decompressed bytes (or
   * the raw bytes for an uncompressed stream). Closing the result closes {@code raw}.
   */
  public static InputStream open(InputStream raw) throws IOException {
    PushbackInputStream pb = new PushbackInputStream(raw, 4);
    byte[] head = new byte[4];
    int n = 0;
    while (n < head.length) {
      int r = pb.read(head, n, head.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    if (n > 0) {
      pb.unread(head, 0, n);
    }
    return open(pb, Compression.detect(head, n));
  }

  /**
   * Returns a decompressing stream for a known compression, gzip with the {@link GzipDecoder#AUTO}
   * decoder. Closing the result closes {@code raw}.
   */
  public static InputStream open(InputStream raw, Compression compression) throws IOException {
    switch (compression) {
      case GZIP:
        return gunzip(raw, GzipDecoder.AUTO);
      case ZSTD:
        ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(raw);
        z.setContinuous(
            false); // the default, set explicitly: continuous mode would hide truncation
        return z;
      default:
        return raw;
    }
  }

  /**
   * Returns a gzip-decompressing stream using {@code decoder}; the header of the first member is
   * read here, as {@link GZIPInputStream}'s constructor does. Closing the result closes {@code
   * raw}.
   *
   * @throws java.io.EOFException when {@code raw} ends before the end of the first header (or is
   *     empty)
   * @throws java.util.zip.ZipException when {@code raw} does not start with a gzip header
   * @throws IOException also when {@code decoder} is {@link GzipDecoder#ISAL} and ISA-L cannot be
   *     loaded
   */
  public static InputStream gunzip(InputStream raw, GzipDecoder decoder) throws IOException {
    IsalLibrary lib = isal(decoder);
    if (lib != null) {
      return new IsalGzipInputStream(lib, raw);
    }
    // The JDK (before 23, JDK-7036144) only looks for a further gzip member when in.available() >
    // 0, so on a
    // pipe or a decrypting stream it silently drops the rest of a multi-member file. Make
    // available() honest.
    return new GZIPInputStream(new HonestAvailable(raw), BUFFER);
  }

  /** The library {@code decoder} resolves to, or null for the JDK. */
  private static @Nullable IsalLibrary isal(GzipDecoder decoder) throws IOException {
    switch (decoder) {
      case JDK:
        return null;
      case AUTO:
        return isalDisabled() ? null : IsalLibrary.shared();
      case ISAL:
        IsalLibrary lib = IsalLibrary.shared();
        if (lib == null) {
          throw new IOException(
              "the ISA-L gzip decoder was requested but libisal.so.2 could not be used ("
                  + NativeCodec.ISAL.shortReason()
                  + "); install it with `apt-get install libisal2` or choose the JDK decoder");
        }
        return lib;
      default:
        throw new AssertionError(decoder);
    }
  }

  /**
   * Whether {@value GzipEncoder#PROPERTY} is {@code zlib}, which keeps ISA-L out of the process.
   * Read leniently: a misspelt value is the encoder's error to report (at option parsing), not a
   * reason to fail reading a layer.
   */
  private static boolean isalDisabled() {
    String v = System.getProperty(GzipEncoder.PROPERTY);
    return v != null && v.trim().equalsIgnoreCase("zlib");
  }

  /**
   * What {@link #open(InputStream, Compression)} decompresses gzip with: "ISA-L 2.30
   * (libisal.so.2.0.30)" or "JDK zlib Inflater". Loads ISA-L on first call unless {@value
   * GzipEncoder#PROPERTY} is {@code zlib}.
   */
  public static String gzipDecoderName() {
    IsalLibrary lib = isalDisabled() ? null : IsalLibrary.shared();
    return lib != null ? lib.label() : "JDK zlib Inflater";
  }

  /**
   * Makes {@link #available()} report at least one byte unless the stream is really at EOF, by
   * reading one byte ahead when needed.
   */
  static final class HonestAvailable extends FilterInputStream {
    private int peeked = -1;
    private boolean eof;

    HonestAvailable(InputStream in) {
      super(in);
    }

    @Override
    public int available() throws IOException {
      if (peeked >= 0) {
        return 1 + Math.max(0, in.available());
      }
      if (eof) {
        return 0;
      }
      int a = in.available();
      if (a > 0) {
        return a;
      }
      int b = in.read();
      if (b < 0) {
        eof = true;
        return 0;
      }
      peeked = b;
      return 1;
    }

    @Override
    public int read() throws IOException {
      if (peeked >= 0) {
        int b = peeked;
        peeked = -1;
        return b;
      }
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (peeked >= 0) {
        b[off] = (byte) peeked;
        peeked = -1;
        return 1;
      }
      return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      if (peeked >= 0) {
        peeked = -1;
        return 1;
      }
      return in.skip(n);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
