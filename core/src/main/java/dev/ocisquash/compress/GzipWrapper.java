package dev.ocisquash.compress;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/**
 * The RFC 1952 wrapper around a gzip member's deflate data: the header before it and the
 * CRC32/ISIZE trailer after it, parsed with the checks and messages of the JDK's {@code
 * GZIPInputStream}, so that {@link IsalGzipInputStream} fails on the same inputs with the same
 * words. Apart from the stream because it is pure syntax over a byte source, while the stream is
 * about buffering and the native decoder.
 */
final class GzipWrapper {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  /**
   * Where the wrapper's bytes come from: one unsigned byte a call, or an exception at the end of
   * the input.
   */
  @FunctionalInterface
  interface ByteSource {
    int readUByte() throws IOException;
  }

  private GzipWrapper() {}

  /** Parses one member header with the JDK's checks (and its messages). */
  static void readHeader(ByteSource src) throws IOException {
    CRC32 hcrc = new CRC32();
    int id = readHeaderUShort(src, hcrc);
    if (id != 0x8b1f) {
      throw new ZipException("Not in GZIP format");
    }
    if (readHeaderByte(src, hcrc) != 8) {
      throw new ZipException("Unsupported compression method");
    }
    int flg = readHeaderByte(src, hcrc);
    for (int i = 0; i < 6; i++) {
      readHeaderByte(src, hcrc); // MTIME, XFL, OS
    }
    if ((flg & FEXTRA) != 0) {
      int m = readHeaderUShort(src, hcrc);
      for (int i = 0; i < m; i++) {
        readHeaderByte(src, hcrc);
      }
    }
    if ((flg & FNAME) != 0) {
      while (readHeaderByte(src, hcrc) != 0) {
        // skip the zero-terminated name
      }
    }
    if ((flg & FCOMMENT) != 0) {
      while (readHeaderByte(src, hcrc) != 0) {
        // skip the zero-terminated comment
      }
    }
    if ((flg & FHCRC) != 0) {
      int v = (int) hcrc.getValue() & 0xffff;
      if (readUShort(src) != v) {
        throw new ZipException("Corrupt GZIP header");
      }
    }
  }

  /**
   * Checks CRC32, then ISIZE, in that order (as the JDK does: a bad CRC is reported before a short
   * ISIZE).
   *
   * @param crc the CRC32 of the member's decoded data
   * @param memberSize how many bytes it decoded to; the trailer holds it modulo 2^32
   */
  static void readTrailer(ByteSource src, long crc, long memberSize) throws IOException {
    long expectCrc = readUInt(src);
    if (expectCrc != crc) {
      throw new ZipException(
          String.format(
              "Corrupt GZIP trailer: CRC32 %08x, but the data's is %08x", expectCrc, crc));
    }
    long expectSize = readUInt(src);
    if (expectSize != (memberSize & 0xffffffffL)) {
      throw new ZipException(
          "Corrupt GZIP trailer: ISIZE "
              + expectSize
              + ", but the data has "
              + memberSize
              + " bytes");
    }
  }

  private static int readUShort(ByteSource src) throws IOException {
    int b = src.readUByte();
    return (src.readUByte() << 8) | b;
  }

  private static long readUInt(ByteSource src) throws IOException {
    long s = readUShort(src);
    return ((long) readUShort(src) << 16) | s;
  }

  private static int readHeaderByte(ByteSource src, CRC32 hcrc) throws IOException {
    int b = src.readUByte();
    hcrc.update(b);
    return b;
  }

  private static int readHeaderUShort(ByteSource src, CRC32 hcrc) throws IOException {
    int b = readHeaderByte(src, hcrc);
    return (readHeaderByte(src, hcrc) << 8) | b;
  }
}
