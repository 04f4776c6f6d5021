package dev.ocisquash.tar;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import org.jspecify.annotations.Nullable;

/**
 * One 512-byte tar header block and its fields: checksum, octal and GNU base-256 numbers,
 * NUL-terminated strings and the ustar name/prefix split. Apart from {@link TarReader} so that the
 * reader is about framing and entry assembly, and the field layout lives in one place. The block is
 * reused for every header of a stream, so nothing here allocates unless a field's bytes are asked
 * for.
 */
final class TarHeader {
  /** Tar's block size: headers, content padding and the end marker all come in blocks. */
  static final int BLOCK = 512;

  static final byte[] EMPTY = new byte[0];

  /** The raw header; {@link TarReader} reads each header straight into it. */
  final byte[] block = new byte[BLOCK];

  private final @Nullable String context;

  /**
   * @param context prefix for error messages, as given to {@link TarReader}; may be null
   */
  TarHeader(@Nullable String context) {
    this.context = context;
  }

  /** The typeflag byte. */
  byte flag() {
    return block[156];
  }

  /**
   * Whether the magic says ustar (POSIX {@code "ustar\0"} or GNU {@code "ustar "}); v7 headers have
   * neither.
   */
  boolean ustar() {
    return block[257] == 'u'
        && block[258] == 's'
        && block[259] == 't'
        && block[260] == 'a'
        && block[261] == 'r';
  }

  /**
   * Whether the magic is POSIX ustar, whose prefix field extends the name; GNU uses those bytes
   * otherwise.
   */
  boolean posix() {
    return ustar() && block[262] == 0;
  }

  /** Whether every byte is zero, as in the end-of-archive marker. */
  boolean isZero() {
    for (int i = 0; i < BLOCK; i++) {
      if (block[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Accepts the unsigned sum and the signed one, because some old writers summed signed chars. */
  void verifyChecksum() throws ImageException {
    long stored;
    try {
      stored = parseOctal(148, 8);
    } catch (NumberFormatException e) {
      throw error(name(), "malformed tar header: bad checksum");
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte c = (i >= 148 && i < 156) ? (byte) ' ' : block[i];
      unsigned += c & 0xff;
      signed += c;
    }
    if (stored != unsigned && stored != signed) {
      throw error(name(), "malformed tar header: bad checksum");
    }
  }

  /**
   * Octal (NUL/space terminated, leading spaces allowed) or GNU base-256 (first byte's high bit
   * set).
   */
  long number(int off, int len, String field) throws ImageException {
    if ((block[off] & 0x80) != 0) {
      // base-256, two's complement; 0xff prefix means negative
      byte inv = (block[off] & 0x40) != 0 ? (byte) 0xff : 0;
      long x = 0;
      for (int i = 0; i < len; i++) {
        int c = (block[off + i] ^ inv) & 0xff;
        if (i == 0) {
          c &= 0x7f;
        }
        if ((x >>> 55) != 0) {
          throw error(name(), "malformed tar header: " + field + " value too large");
        }
        x = (x << 8) | c;
      }
      return inv != 0 ? ~x : x;
    }
    try {
      return parseOctal(off, len);
    } catch (NumberFormatException e) {
      throw error(name(), "malformed tar header: " + e.getMessage() + " in " + field + " field");
    }
  }

  private long parseOctal(int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && (block[i] == ' ' || block[i] == 0)) {
      i++;
    }
    long x = 0;
    while (i < end && block[i] >= '0' && block[i] <= '7') {
      if ((x >>> 60) != 0) {
        throw new NumberFormatException("value too large");
      }
      x = (x << 3) | (block[i] - '0');
      i++;
    }
    while (i < end) {
      if (block[i] != ' ' && block[i] != 0) {
        throw new NumberFormatException("invalid octal number");
      }
      i++;
    }
    return x;
  }

  /** Length of the NUL-terminated string at {@code off}, at most {@code max}. */
  int fieldLength(int off, int max) {
    int n = 0;
    while (n < max && block[off + n] != 0) {
      n++;
    }
    return n;
  }

  /** A copy of the NUL-terminated string at {@code off}. */
  byte[] field(int off, int max) {
    int n = fieldLength(off, max);
    if (n == 0) {
      return EMPTY;
    }
    byte[] out = new byte[n];
    System.arraycopy(block, off, out, 0, n);
    return out;
  }

  /**
   * Name from the header fields, joining the ustar prefix (131 bytes in star's variant, 155
   * otherwise).
   */
  byte[] path(boolean posix) {
    int nlen = fieldLength(0, 100);
    int plen = 0;
    if (posix) {
      boolean star = block[508] == 't' && block[509] == 'a' && block[510] == 'r' && block[511] == 0;
      plen = fieldLength(345, star ? 131 : 155);
    }
    if (plen == 0) {
      byte[] out = new byte[nlen];
      System.arraycopy(block, 0, out, 0, nlen);
      return out;
    }
    byte[] out = new byte[plen + 1 + nlen];
    System.arraycopy(block, 345, out, 0, plen);
    out[plen] = '/';
    System.arraycopy(block, 0, out, plen + 1, nlen);
    return out;
  }

  /** The header's name field for messages, with control characters hidden. */
  @Nullable String name() {
    int n = fieldLength(0, 100);
    if (n == 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder(TarPaths.display(block, 0, n));
    for (int i = 0; i < sb.length(); i++) {
      if (sb.charAt(i) < 0x20) {
        sb.setCharAt(i, '?');
      }
    }
    return sb.toString();
  }

  /** A malformed-input error naming the stream (the context) and the entry. */
  ImageException error(@Nullable String entry, String problem) {
    return error(Kind.CORRUPT_INPUT, entry, problem);
  }

  /** An error of {@code kind} naming the stream (the context) and the entry. */
  ImageException error(Kind kind, @Nullable String entry, String problem) {
    return new ImageException(kind, ImageException.where(context, null, entry, problem));
  }
}
