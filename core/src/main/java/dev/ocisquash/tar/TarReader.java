package dev.ocisquash.tar;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streaming tar parser for layer contents. It is our own rather than commons-compress so that names and PAX values
 * stay raw bytes end to end (binary xattrs, non-UTF-8 names written by Go), so that every malformed input is an
 * {@link ImageException} naming the file, layer and entry, and so that the hot path does no per-byte virtual calls
 * and almost no allocation.
 *
 * <p>Understands ustar, GNU and v7 headers, GNU long names/links ({@code L}/{@code K}), PAX per-entry ({@code x})
 * and global ({@code g}) headers, GNU base-256 numbers and PAX sparse format 1.0 (passed through as stored).
 * Paths are normalised (see {@link TarEntry#path()}); a {@code ..} component is rejected as path traversal.
 *
 * <p>Not thread-safe. The stream given to the constructor is never closed by this class.
 */
public final class TarReader {
  /** Largest PAX or GNU long-name record accepted; real ones are a few KiB, bigger ones are abuse. */
  static final int MAX_META = 1 << 20;

  private static final int BLOCK = 512;
  private static final byte[] EMPTY = new byte[0];

  private final InputStream in;
  private final String context;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private boolean skipUnsupported;

  private final byte[] header = new byte[BLOCK];
  private long offset; // stream offset of the next unread byte, for diagnostics
  private long remaining; // unread content bytes of the current entry
  private long padding; // padding after the current entry's content
  private boolean ended;
  private long entryCount;
  private String currentName;
  private final ContentStream contentStream = new ContentStream();
  private TreeMap<String, byte[]> globals;
  private long globalBytes;
  private final NameCache unameCache = new NameCache();
  private final NameCache gnameCache = new NameCache();

  /**
   * Creates a reader.
   *
   * @param in the uncompressed tar bytes; read with our own buffering, so no need to buffer it first
   * @param context prefix for error messages, e.g. {@code "img.tar: layer 2 (sha256:abcd)"}; may be null
   */
  public TarReader(InputStream in, String context) {
    this.in = in;
    this.context = context;
  }

  /** How many filesystem entries {@link #next()} has returned so far (metadata headers are not counted). */
  public long entryCount() {
    return entryCount;
  }

  /** Bytes of the tar stream consumed so far; useful to locate a problem in a large layer. */
  public long position() {
    return offset - (lim - pos);
  }

  /**
   * Advances to the next filesystem entry, first skipping whatever content of the previous entry was not read.
   *
   * @return the entry, or null at the end of the archive (two zero blocks, one zero block followed by EOF, or EOF
   *     exactly at a block boundary: writers that omit the end marker are common enough to accept)
   * @throws ImageException on malformed or truncated input, path traversal or unsupported entry types
   */
  public TarEntry next() throws IOException {
    if (ended) {
      return null;
    }
    if (remaining + padding > 0) {
      skipBytes(remaining + padding, currentName);
      remaining = 0;
      padding = 0;
    }
    currentName = null;
    byte[] longName = null;
    byte[] longLink = null;
    TreeMap<String, byte[]> local = null;
    long localBytes = 0;
    while (true) {
      int n = readBlock(header);
      if (n == 0) {
        if (longName != null || longLink != null || local != null) {
          throw err(null, "truncated tar stream (extended header without an entry)");
        }
        ended = true;
        return null;
      }
      if (n < BLOCK) {
        throw err(null, "truncated tar stream (header ends early)");
      }
      if (isZeroBlock(header)) {
        if (longName != null || longLink != null || local != null) {
          throw err(null, "malformed tar stream: extended header not followed by an entry");
        }
        // The second zero block is optional in practice; read it if it is there and stop either way.
        readBlock(header);
        ended = true;
        return null;
      }
      verifyChecksum();
      byte flag = header[156];
      long size = parseNumber(124, 12, "size");
      if (size < 0) {
        throw err(headerName(), "malformed tar header: negative size");
      }
      switch (flag) {
        case 'x':
          localBytes += size;
          if (localBytes > MAX_META) {
            throw err(headerName(), "PAX header too large");
          }
          if (local == null) {
            local = new TreeMap<>();
          }
          parsePax(readMeta(size, "PAX header too large"), local);
          continue;
        case 'g':
          globalBytes += size;
          if (globalBytes > MAX_META) {
            throw err(headerName(), "PAX header too large");
          }
          TreeMap<String, byte[]> g = new TreeMap<>();
          parsePax(readMeta(size, "PAX header too large"), g);
          if (globals == null) {
            globals = new TreeMap<>();
          }
          mergeInto(globals, g);
          continue;
        case 'L':
          longName = trimNul(readMeta(size, "GNU long name record too large"));
          continue;
        case 'K':
          longLink = trimNul(readMeta(size, "GNU long link record too large"));
          continue;
        case 'S':
          throw err(headerName(), "GNU sparse format 0.x/old is not supported");
        default:
          break;
      }
      TarEntryType type = TarEntryType.fromFlag(flag);
      if (type == null) {
        String shown = flag >= 0x21 && flag < 0x7f ? String.valueOf((char) flag) : String.format("\\x%02x", flag);
        throw err(headerName(), "unsupported tar entry type '" + shown + "'");
      }
      return buildEntry(type, flag, size, longName, longLink, local);
    }
  }

  /**
   * The content of the entry last returned by {@link #next()}: exactly {@code size} bytes, then EOF. The same
   * object is reused for every entry, so it is only valid until the next call to {@code next()}; closing it does
   * nothing. A stream that ends before the declared size raises {@link ImageException} (truncated tar stream).
   */
  public InputStream content() {
    return contentStream;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry assembly

  private TarEntry buildEntry(
      TarEntryType type,
      byte flag,
      long headerSize,
      byte[] longName,
      byte[] longLink,
      TreeMap<String, byte[]> local)
      throws IOException {
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
        && header[261] == 'r';
    boolean posix = ustar && header[262] == 0;
    boolean gnu = ustar && header[262] == ' ';

    TreeMap<String, byte[]> pax = null;
    if (globals != null && !globals.isEmpty()) {
      pax = new TreeMap<>(globals);
      // Globals set attributes, never identity or framing.
      pax.remove("path");
      pax.remove("linkpath");
      pax.remove("size");
    }
    if (local != null) {
      if (pax == null) {
        pax = new TreeMap<>();
      }
      mergeInto(pax, local);
    }

    // Raw name: PAX path > GNU long name > header fields.
    byte[] rawName;
    byte[] rawLink;
    if (longName != null) {
      rawName = longName;
    } else {
      rawName = headerPath(posix);
    }
    rawLink = longLink != null ? longLink : field(157, 100);

    long size = headerSize;
    long uid = parseNumber(108, 8, "uid");
    long gid = parseNumber(116, 8, "gid");
    long mtime = parseNumber(136, 12, "mtime");
    int mtimeNanos = 0;
    String uname = ustar ? unameCache.get(header, 265, 32) : "";
    String gname = ustar ? gnameCache.get(header, 297, 32) : "";
    TreeMap<String, byte[]> extras = null;

    if (pax != null) {
      currentName = TarPaths.display(rawName, 0, rawName.length);
      boolean sparse = false;
      for (Map.Entry<String, byte[]> e : pax.entrySet()) {
        String k = e.getKey();
        byte[] v = e.getValue();
        switch (k) {
          case "path":
            rawName = v;
            break;
          case "linkpath":
            rawLink = v;
            break;
          case "size":
            size = parseDecimal(v, "size");
            break;
          case "uid":
            uid = parseDecimal(v, "uid");
            break;
          case "gid":
            gid = parseDecimal(v, "gid");
            break;
          case "uname":
            uname = new String(v, StandardCharsets.UTF_8);
            break;
          case "gname":
            gname = new String(v, StandardCharsets.UTF_8);
            break;
          case "mtime":
            long[] t = parsePaxTime(v);
            mtime = t[0];
            mtimeNanos = (int) t[1];
            break;
          case "atime":
          case "ctime":
            break;
          default:
            if (k.startsWith("GNU.sparse.")) {
              sparse = true;
            }
            if (extras == null) {
              extras = new TreeMap<>();
            }
            extras.put(k, v);
        }
      }
      if (sparse) {
        byte[] major = extras.get("GNU.sparse.major");
        byte[] minor = extras.get("GNU.sparse.minor");
        byte[] realName = extras.get("GNU.sparse.name");
        if (!isAscii(major, "1") || !isAscii(minor, "0") || realName == null) {
          throw err(currentName, "GNU sparse format 0.x/old is not supported");
        }
        rawName = realName;
      }
    }

    currentName = TarPaths.display(rawName, 0, rawName.length);
    boolean regularFlag = flag == 0 || flag == '0' || flag == '7';
    if (type == TarEntryType.REGULAR && rawName.length > 0 && rawName[rawName.length - 1] == '/') {
      type = TarEntryType.DIRECTORY; // pre-POSIX archivers marked directories only by the trailing slash
    }
    byte[] path = TarPaths.normalise(rawName, 0, rawName.length);
    if (path == TarPaths.TRAVERSAL) {
      throw err(currentName, "path traversal ('..' component) is not allowed");
    }
    byte[] link = EMPTY;
    if (type == TarEntryType.HARDLINK) {
      link = TarPaths.normalise(rawLink, 0, rawLink.length);
      if (link == TarPaths.TRAVERSAL) {
        throw err(currentName, "path traversal ('..' component) in hard link target");
      }
    } else if (type == TarEntryType.SYMLINK) {
      link = rawLink;
    }

    int devMajor = 0;
    int devMinor = 0;
    if (ustar && (type == TarEntryType.CHAR_DEVICE || type == TarEntryType.BLOCK_DEVICE)) {
      devMajor = toInt(parseNumber(329, 8, "devmajor"), "devmajor");
      devMinor = toInt(parseNumber(337, 8, "devminor"), "devminor");
    }
    int mode = (int) (parseNumber(100, 8, "mode") & 07777);

    // Like Go and GNU tar, only regular-file typeflags are followed by data; the size of others is ignored.
    long dataSize = regularFlag ? size : 0;
    TarEntry.Builder b =
        TarEntry.builder(type, path)
            .linkTarget(link)
            .mode(mode)
            .uid(uid)
            .gid(gid)
            .userName(uname)
            .groupName(gname)
            .size(dataSize)
            .mtime(mtime, mtimeNanos)
            .device(devMajor, devMinor);
    if (extras != null) {
      for (Map.Entry<String, byte[]> e : extras.entrySet()) {
        b.paxExtra(e.getKey(), e.getValue());
      }
    }
    TarEntry entry = b.build();
    remaining = dataSize;
    padding = (BLOCK - (dataSize & (BLOCK - 1))) & (BLOCK - 1);
    entryCount++;
    return entry;
  }

  /** Name from the header fields, joining the ustar prefix (131 bytes in star's variant, 155 otherwise). */
  private byte[] headerPath(boolean posix) {
    int nlen = fieldLength(0, 100);
    int plen = 0;
    if (posix) {
      boolean star = header[508] == 't' && header[509] == 'a' && header[510] == 'r' && header[511] == 0;
      plen = fieldLength(345, star ? 131 : 155);
    }
    if (plen == 0) {
      byte[] out = new byte[nlen];
      System.arraycopy(header, 0, out, 0, nlen);
      return out;
    }
    byte[] out = new byte[plen + 1 + nlen];
    System.arraycopy(header, 345, out, 0, plen);
    out[plen] = '/';
    System.arraycopy(header, 0, out, plen + 1, nlen);
    return out;
  }

  /**
   * Applies PAX records with POSIX semantics: an empty value deletes the key. Extended attributes are the
   * exception because an empty xattr value is legitimate.
   */
  private static void mergeInto(TreeMap<String, byte[]> target, TreeMap<String, byte[]> records) {
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

  // ---------------------------------------------------------------------------------------------------------------
  // PAX

  /**
   * Parses {@code "LEN KEY=VALUE\n"} records byte-exactly: the length prefix decides where a value ends, so values
   * may contain newlines, NULs and invalid UTF-8. libarchive's {@code LIBARCHIVE.xattr.NAME=BASE64} records are
   * converted to the {@code SCHILY.xattr.} form everything else uses, unless a SCHILY record for the same name is
   * also present (libarchive writes both and the SCHILY one is raw already).
   */
  private void parsePax(byte[] d, TreeMap<String, byte[]> out) throws ImageException {
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
          throw err(headerName(), "malformed PAX record");
        }
        i++;
      }
      if (i == start || i >= d.length || d[i] != ' ' || len < 5 || start + len > d.length) {
        throw err(headerName(), "malformed PAX record");
      }
      int end = (int) (start + len); // exclusive; d[end-1] must be '\n'
      if (d[end - 1] != '\n') {
        throw err(headerName(), "malformed PAX record");
      }
      int k = i + 1;
      int eq = k;
      while (eq < end - 1 && d[eq] != '=') {
        eq++;
      }
      if (eq == k || eq >= end - 1 && d[eq] != '=') {
        throw err(headerName(), "malformed PAX record");
      }
      String key = new String(d, k, eq - k, StandardCharsets.UTF_8);
      byte[] value = new byte[end - 1 - (eq + 1)];
      System.arraycopy(d, eq + 1, value, 0, value.length);
      if (key.startsWith("LIBARCHIVE.xattr.")) {
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
        String name = urlDecode(e.getKey().substring("LIBARCHIVE.xattr.".length()));
        String schily = TarEntry.XATTR_PREFIX + name;
        if (!out.containsKey(schily)) {
          try {
            out.put(schily, Base64.getDecoder().decode(e.getValue()));
          } catch (IllegalArgumentException ex) {
            throw err(headerName(), "malformed PAX record (bad base64 in " + e.getKey() + ")");
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
          throw err(headerName(), "malformed PAX record (bad %-escape in xattr name)");
        }
        int hi = Character.digit(b[i + 1], 16);
        int lo = Character.digit(b[i + 2], 16);
        if (hi < 0 || lo < 0) {
          throw err(headerName(), "malformed PAX record (bad %-escape in xattr name)");
        }
        out[o++] = (byte) (hi * 16 + lo);
        i += 2;
      } else {
        out[o++] = b[i];
      }
    }
    return new String(out, 0, o, StandardCharsets.UTF_8);
  }

  private long parseDecimal(byte[] v, String key) throws ImageException {
    if (v.length == 0 || v.length > 19) {
      throw err(currentName, "malformed PAX record: bad " + key + " value");
    }
    long x = 0;
    for (byte c : v) {
      if (c < '0' || c > '9') {
        throw err(currentName, "malformed PAX record: bad " + key + " value");
      }
      x = x * 10 + (c - '0');
      if (x < 0) {
        throw err(currentName, "malformed PAX record: " + key + " value too large");
      }
    }
    return x;
  }

  /** Parses {@code [-]SEC[.FRAC]}; {@code -1.5} is 1.5 s before the epoch, i.e. seconds -2 plus 0.5 s. */
  private long[] parsePaxTime(byte[] v) throws ImageException {
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
        throw err(currentName, "malformed PAX record: bad mtime value");
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
          throw err(currentName, "malformed PAX record: bad mtime value");
        }
        if (fracDigits < 9) {
          nanos = nanos * 10 + (c - '0');
        }
        fracDigits++;
      }
      if (fracDigits == 0 && digits == 0) {
        throw err(currentName, "malformed PAX record: bad mtime value");
      }
      for (int f = fracDigits; f < 9; f++) {
        nanos *= 10;
      }
    } else if (digits == 0) {
      throw err(currentName, "malformed PAX record: bad mtime value");
    }
    if (neg) {
      if (nanos > 0) {
        return new long[] {-sec - 1, 1_000_000_000L - nanos};
      }
      return new long[] {-sec, 0};
    }
    return new long[] {sec, nanos};
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Header fields

  private void verifyChecksum() throws ImageException {
    long stored;
    try {
      stored = parseOctal(148, 8);
    } catch (NumberFormatException e) {
      throw err(headerName(), "malformed tar header: bad checksum");
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte c = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
      unsigned += c & 0xff;
      signed += c;
    }
    if (stored != unsigned && stored != signed) {
      throw err(headerName(), "malformed tar header: bad checksum");
    }
  }

  /** Octal (NUL/space terminated, leading spaces allowed) or GNU base-256 (first byte's high bit set). */
  private long parseNumber(int off, int len, String field) throws ImageException {
    if ((header[off] & 0x80) != 0) {
      // base-256, two's complement; 0xff prefix means negative
      byte inv = (header[off] & 0x40) != 0 ? (byte) 0xff : 0;
      long x = 0;
      for (int i = 0; i < len; i++) {
        int c = (header[off + i] ^ inv) & 0xff;
        if (i == 0) {
          c &= 0x7f;
        }
        if ((x >>> 55) != 0) {
          throw err(headerName(), "malformed tar header: " + field + " value too large");
        }
        x = (x << 8) | c;
      }
      return inv != 0 ? ~x : x;
    }
    try {
      return parseOctal(off, len);
    } catch (NumberFormatException e) {
      throw err(headerName(), "malformed tar header: " + e.getMessage() + " in " + field + " field");
    }
  }

  private long parseOctal(int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    long x = 0;
    while (i < end && header[i] >= '0' && header[i] <= '7') {
      if ((x >>> 60) != 0) {
        throw new NumberFormatException("value too large");
      }
      x = (x << 3) | (header[i] - '0');
      i++;
    }
    while (i < end) {
      if (header[i] != ' ' && header[i] != 0) {
        throw new NumberFormatException("invalid octal number");
      }
      i++;
    }
    return x;
  }

  private int toInt(long v, String field) throws ImageException {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw err(currentName, "malformed tar header: " + field + " out of range");
    }
    return (int) v;
  }

  private int fieldLength(int off, int max) {
    int n = 0;
    while (n < max && header[off + n] != 0) {
      n++;
    }
    return n;
  }

  private byte[] field(int off, int max) {
    int n = fieldLength(off, max);
    if (n == 0) {
      return EMPTY;
    }
    byte[] out = new byte[n];
    System.arraycopy(header, off, out, 0, n);
    return out;
  }

  /** The header's name field for messages, with control characters hidden. */
  private String headerName() {
    int n = fieldLength(0, 100);
    if (n == 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder(TarPaths.display(header, 0, n));
    for (int i = 0; i < sb.length(); i++) {
      if (sb.charAt(i) < 0x20) {
        sb.setCharAt(i, '?');
      }
    }
    return sb.toString();
  }

  private static boolean isZeroBlock(byte[] b) {
    for (int i = 0; i < BLOCK; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAscii(byte[] v, String s) {
    return v != null && new String(v, StandardCharsets.ISO_8859_1).equals(s);
  }

  private static byte[] trimNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        byte[] out = new byte[i];
        System.arraycopy(b, 0, out, 0, i);
        return out;
      }
    }
    return b;
  }

  private ImageException err(String entry, String problem) {
    return new ImageException(ImageException.where(context, null, entry, problem));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Buffered input

  /** Reads a metadata record's data (and its padding) after checking the size limit. */
  private byte[] readMeta(long size, String tooLarge) throws IOException {
    if (size > MAX_META) {
      throw err(headerName(), tooLarge);
    }
    String name = headerName();
    byte[] d = new byte[(int) size];
    int got = 0;
    while (got < d.length) {
      int r = readRaw(d, got, d.length - got);
      if (r < 0) {
        throw err(name, "truncated tar stream (entry content ends early)");
      }
      got += r;
    }
    long pad = (BLOCK - (size & (BLOCK - 1))) & (BLOCK - 1);
    if (pad > 0) {
      skipBytes(pad, name);
    }
    return d;
  }

  /** Reads up to one block; returns how many bytes were read (less than 512 only at EOF). */
  private int readBlock(byte[] dst) throws IOException {
    int got = 0;
    while (got < BLOCK) {
      int r = readRaw(dst, got, BLOCK - got);
      if (r < 0) {
        break;
      }
      got += r;
    }
    return got;
  }

  private int readRaw(byte[] dst, int off, int len) throws IOException {
    int avail = lim - pos;
    if (avail > 0) {
      int n = Math.min(avail, len);
      System.arraycopy(buf, pos, dst, off, n);
      pos += n;
      return n;
    }
    if (len >= buf.length) {
      int r = in.read(dst, off, len); // big reads bypass the buffer: one copy fewer
      if (r > 0) {
        offset += r;
      }
      return r;
    }
    if (fill() < 0) {
      return -1;
    }
    int n = Math.min(lim - pos, len);
    System.arraycopy(buf, pos, dst, off, n);
    pos += n;
    return n;
  }

  private int fill() throws IOException {
    int r;
    do {
      r = in.read(buf, 0, buf.length);
    } while (r == 0);
    if (r < 0) {
      pos = 0;
      lim = 0;
      return -1;
    }
    pos = 0;
    lim = r;
    offset += r;
    return r;
  }

  /**
   * Skips {@code n} bytes or throws "truncated". Large skips use {@link InputStream#skip}, which on files may go
   * past EOF without complaint, so the last byte is always read to prove the stream really is that long.
   */
  private void skipBytes(long n, String entry) throws IOException {
    int avail = lim - pos;
    if (n <= avail) {
      pos += (int) n;
      return;
    }
    n -= avail;
    pos = lim;
    if (n > buf.length && !skipUnsupported) {
      long want = n - 1;
      while (want > 0) {
        long s;
        try {
          s = in.skip(want);
        } catch (dev.ocisquash.ImageException e) {
          throw e; // a limit, a digest mismatch: the input's fault, never a reason to fall back
        } catch (IOException e) {
          skipUnsupported = true; // e.g. a pipe: "Illegal seek"; fall back to reading
          break;
        }
        if (s <= 0) {
          break;
        }
        want -= s;
        n -= s;
        offset += s;
      }
    }
    while (n > 0) {
      if (fill() < 0) {
        throw err(entry, "truncated tar stream (entry content ends early)");
      }
      int k = (int) Math.min(n, lim - pos);
      pos += k;
      n -= k;
    }
  }

  /** The view over the current entry's content; one instance per reader. */
  private final class ContentStream extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      int r = read(one, 0, 1);
      return r < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int r = readRaw(b, off, (int) Math.min(len, remaining));
      if (r < 0) {
        throw err(currentName, "truncated tar stream (entry content ends early)");
      }
      remaining -= r;
      return r;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = Math.min(Math.max(n, 0), remaining);
      if (k > 0) {
        skipBytes(k, currentName);
        remaining -= k;
      }
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(remaining, lim - pos);
    }

    @Override
    public void close() {
      // The archive stream belongs to the caller; the rest of the entry is skipped by next().
    }
  }

  /** Reuses the String for a user/group name that repeats from entry to entry (nearly always "root"). */
  private static final class NameCache {
    private final byte[] bytes = new byte[32];
    private int len = -1;
    private String value = "";

    String get(byte[] h, int off, int max) {
      int n = 0;
      while (n < max && h[off + n] != 0) {
        n++;
      }
      if (n == len) {
        boolean same = true;
        for (int i = 0; i < n; i++) {
          if (bytes[i] != h[off + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          return value;
        }
      }
      System.arraycopy(h, off, bytes, 0, n);
      len = n;
      value = new String(h, off, n, StandardCharsets.UTF_8);
      return value;
    }
  }
}
