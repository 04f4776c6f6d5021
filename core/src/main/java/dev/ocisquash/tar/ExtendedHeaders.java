package dev.ocisquash.tar;

import dev.ocisquash.ImageException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The records that come before an entry's own header and override it: PAX ({@code x} and {@code g})
 * records with their values, GNU long names and links ({@code L}/{@code K}), and PAX sparse format
 * 1.0, which PAX records announce. Apart from {@link TarReader} because their syntax has nothing to
 * do with framing; the reader decides which record applies to which entry and merges them.
 */
final class ExtendedHeaders {
  private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

  /**
   * A PAX time: whole seconds (floored, so negative times have positive nanos) and 0..999,999,999
   * nanos.
   */
  record PaxTime(long seconds, int nanos) {}

  private final TarHeader header;

  /**
   * @param header the reader's header block, whose name field locates errors in PAX record syntax
   */
  ExtendedHeaders(TarHeader header) {
    this.header = header;
  }

  /**
   * Applies PAX records with POSIX semantics: an empty value deletes the key. Extended attributes
   * are the exception because an empty xattr value is legitimate.
   */
  static void mergeInto(TreeMap<String, byte[]> target, TreeMap<String, byte[]> records) {
    for (Map.Entry<String, byte[]> e : records.entrySet()) {
      String k = e.getKey();
      byte[] v = e.getValue();
      if (v.length == 0 && !k.startsWith(TarEntry.XATTR_PREFIX)) {
        target.remove(k);
      } else {
        target.put(k, v);
      }
    }
  }

  /**
   * A GNU long name or link record's data up to its first NUL (GNU tar writes one; others pad with
   * more).
   */
  static byte[] trimNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        byte[] out = new byte[i];
        System.arraycopy(b, 0, out, 0, i);
        return out;
      }
    }
    return b;
  }

  /**
   * Parses {@code "LEN KEY=VALUE\n"} records byte-exactly: the length prefix decides where a value
   * ends, so values may contain newlines, NULs and invalid UTF-8. libarchive's {@code
   * LIBARCHIVE.xattr.NAME=BASE64} records are converted to the {@code SCHILY.xattr.} form
   * everything else uses, unless a SCHILY record for the same name is also present (libarchive
   * writes both and the SCHILY one is raw already).
   */
  void parsePax(byte[] d, TreeMap<String, byte[]> out) throws ImageException {
    TreeMap<String, byte[]> libarchive = null;
    int i = 0;
    while (i < d.length) {
      if (d[i] == 0) {
        break; // some writers pad the record block with NULs
      }
      int start = i;
      long len = 0;
      while (i < d.length && d[i] >= '0' && d[i] <= '9') {
        len = len * 10 + (d[i] - '0');
        if (len > d.length) {
          throw header.error(header.name(), "malformed PAX record");
        }
        i++;
      }
      if (i == start || i >= d.length || d[i] != ' ' || len < 5 || start + len > d.length) {
        throw header.error(header.name(), "malformed PAX record");
      }
      int end = (int) (start + len); // exclusive; d[end-1] must be '\n'
      if (d[end - 1] != '\n') {
        throw header.error(header.name(), "malformed PAX record");
      }
      int k = i + 1;
      int eq = k;
      while (eq < end - 1 && d[eq] != '=') {
        eq++;
      }
      if (eq == k || (eq >= end - 1 && d[eq] != '=')) {
        throw header.error(header.name(), "malformed PAX record");
      }
      String key = new String(d, k, eq - k, StandardCharsets.UTF_8);
      byte[] value = new byte[end - 1 - (eq + 1)];
      System.arraycopy(d, eq + 1, value, 0, value.length);
      if (key.startsWith(LIBARCHIVE_XATTR)) {
        if (libarchive == null) {
          libarchive = new TreeMap<>();
        }
        libarchive.put(key, value);
      } else {
        out.put(key, value);
      }
      i = end;
    }
    if (libarchive != null) {
      for (Map.Entry<String, byte[]> e : libarchive.entrySet()) {
        String name = urlDecode(e.getKey().substring(LIBARCHIVE_XATTR.length()));
        String schily = TarEntry.XATTR_PREFIX + name;
        if (!out.containsKey(schily)) {
          try {
            out.put(schily, Base64.getDecoder().decode(e.getValue()));
          } catch (IllegalArgumentException ex) {
            throw header.error(
                header.name(), "malformed PAX record (bad base64 in " + e.getKey() + ")");
          }
        }
      }
    }
  }

  private String urlDecode(String s) throws ImageException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length];
    int o = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '%') {
        if (i + 2 >= b.length) {
          throw header.error(header.name(), "malformed PAX record (bad %-escape in xattr name)");
        }
        int hi = Character.digit(b[i + 1], 16);
        int lo = Character.digit(b[i + 2], 16);
        if (hi < 0 || lo < 0) {
          throw header.error(header.name(), "malformed PAX record (bad %-escape in xattr name)");
        }
        out[o++] = (byte) (hi * 16 + lo);
        i += 2;
      } else {
        out[o++] = b[i];
      }
    }
    return new String(out, 0, o, StandardCharsets.UTF_8);
  }

  /** A PAX decimal value such as size, uid or gid; {@code entry} names the entry in errors. */
  long parseDecimal(byte[] v, String key, String entry) throws ImageException {
    if (v.length == 0 || v.length > 19) {
      throw header.error(entry, "malformed PAX record: bad " + key + " value");
    }
    long x = 0;
    for (byte c : v) {
      if (c < '0' || c > '9') {
        throw header.error(entry, "malformed PAX record: bad " + key + " value");
      }
      x = x * 10 + (c - '0');
      if (x < 0) {
        throw header.error(entry, "malformed PAX record: " + key + " value too large");
      }
    }
    return x;
  }

  /**
   * Parses {@code [-]SEC[.FRAC]}; {@code -1.5} is 1.5 s before the epoch, i.e. seconds -2 plus 0.5
   * s.
   */
  PaxTime parsePaxTime(byte[] v, String entry) throws ImageException {
    int i = 0;
    boolean neg = false;
    if (v.length > 0 && v[0] == '-') {
      neg = true;
      i = 1;
    }
    long sec = 0;
    int digits = 0;
    while (i < v.length && v[i] != '.') {
      byte c = v[i++];
      if (c < '0' || c > '9' || ++digits > 18) {
        throw header.error(entry, "malformed PAX record: bad mtime value");
      }
      sec = sec * 10 + (c - '0');
    }
    long nanos = 0;
    int fracDigits = 0;
    if (i < v.length) {
      i++; // '.'
      while (i < v.length) {
        byte c = v[i++];
        if (c < '0' || c > '9') {
          throw header.error(entry, "malformed PAX record: bad mtime value");
        }
        if (fracDigits < 9) {
          nanos = nanos * 10 + (c - '0');
        }
        fracDigits++;
      }
      if (fracDigits == 0 && digits == 0) {
        throw header.error(entry, "malformed PAX record: bad mtime value");
      }
      for (int f = fracDigits; f < 9; f++) {
        nanos *= 10;
      }
    } else if (digits == 0) {
      throw header.error(entry, "malformed PAX record: bad mtime value");
    }
    if (neg) {
      if (nanos > 0) {
        return new PaxTime(-sec - 1, (int) (1_000_000_000L - nanos));
      }
      return new PaxTime(-sec, 0);
    }
    return new PaxTime(sec, (int) nanos);
  }

  /**
   * The real name of a PAX sparse 1.0 entry, whose header name is a placeholder. Only 1.0 is
   * accepted: its map travels at the start of the content, so the entry passes through as stored.
   *
   * @param extras the entry's PAX records other than the standard ones, holding at least one {@code
   *     GNU.sparse.*}
   */
  byte[] sparseName(TreeMap<String, byte[]> extras, String entry) throws ImageException {
    byte[] major = extras.get("GNU.sparse.major");
    byte[] minor = extras.get("GNU.sparse.minor");
    byte[] realName = extras.get("GNU.sparse.name");
    if (!isAscii(major, "1") || !isAscii(minor, "0") || realName == null) {
      throw header.error(
          ImageException.Kind.UNSUPPORTED_INPUT,
          entry,
          "GNU sparse format 0.x/old is not supported");
    }
    return realName;
  }

  private static boolean isAscii(byte @Nullable [] v, String s) {
    return v != null && new String(v, StandardCharsets.ISO_8859_1).equals(s);
  }
}
