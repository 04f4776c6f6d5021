package dev.ocisquash.tar;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Streaming tar parser for layer contents. It is our own rather than commons-compress so that names
 * and PAX values stay raw bytes end to end (binary xattrs, non-UTF-8 names written by Go), so that
 * every malformed input is an {@link ImageException} naming the file, layer and entry, and so that
 * the hot path does no per-byte virtual calls and almost no allocation.
 *
 * <p>Understands ustar, GNU and v7 headers, GNU long names/links ({@code L}/{@code K}), PAX
 * per-entry ({@code x}) and global ({@code g}) headers, GNU base-256 numbers and PAX sparse format
 * 1.0 (passed through as stored). Paths are normalised (see {@link TarEntry#path()}); a {@code ..}
 * component is rejected as path traversal.
 *
 * <p>Not thread-safe. The stream given to the constructor is never closed by this class.
 */
public final class TarReader {
  /**
   * Largest PAX or GNU long-name record accepted; real ones are a few KiB, bigger ones are abuse.
   */
  static final int MAX_META = 1 << 20;

  private static final int BLOCK = TarHeader.BLOCK;

  private final TarInput input;
  private final TarHeader header;
  private final ExtendedHeaders extended;
  private long remaining; // unread content bytes of the current entry
  private long padding; // padding after the current entry's content
  private boolean ended;
  private long entryCount;
  private @Nullable String currentName;
  private final ContentStream contentStream = new ContentStream();
  private @Nullable TreeMap<String, byte[]> globals;
  private long globalBytes;
  private final NameCache unameCache = new NameCache();
  private final NameCache gnameCache = new NameCache();

  /**
   * Creates a reader.
   *
   * @param in the uncompressed tar bytes; read with our own buffering, so no need to buffer it
   *     first
   * @param context prefix for error messages, e.g. {@code "img.tar: layer 2 (sha256:abcd)"}; may be
   *     null
   */
  public TarReader(InputStream in, @Nullable String context) {
    this.input = new TarInput(in);
    this.header = new TarHeader(context);
    this.extended = new ExtendedHeaders(header);
  }

  /**
   * How many filesystem entries {@link #next()} has returned so far (metadata headers are not
   * counted).
   */
  public long entryCount() {
    return entryCount;
  }

  /** Bytes of the tar stream consumed so far; useful to locate a problem in a large layer. */
  public long position() {
    return input.position();
  }

  /**
   * Advances to the next filesystem entry, first skipping whatever content of the previous entry
   * was not read.
   *
   * @return the entry, or null at the end of the archive (two zero blocks, one zero block followed
   *     by EOF, or EOF exactly at a block boundary: writers that omit the end marker are common
   *     enough to accept)
   * @throws ImageException on malformed or truncated input, path traversal or unsupported entry
   *     types
   */
  public @Nullable TarEntry next() throws IOException {
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
      int n = input.readBlock(header.block);
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
      if (header.isZero()) {
        if (longName != null || longLink != null || local != null) {
          throw err(null, "malformed tar stream: extended header not followed by an entry");
        }
        // The second zero block is optional in practice; read it if it is there and stop either
        // way.
        input.readBlock(header.block);
        ended = true;
        return null;
      }
      header.verifyChecksum();
      byte flag = header.flag();
      long size = header.number(124, 12, "size");
      if (size < 0) {
        throw err(header.name(), "malformed tar header: negative size");
      }
      switch (flag) {
        case 'x':
          localBytes += size;
          if (localBytes > MAX_META) {
            throw err(Kind.LIMIT_EXCEEDED, header.name(), "PAX header too large");
          }
          if (local == null) {
            local = new TreeMap<>();
          }
          extended.parsePax(readMeta(size, "PAX header too large"), local);
          continue;
        case 'g':
          globalBytes += size;
          if (globalBytes > MAX_META) {
            throw err(Kind.LIMIT_EXCEEDED, header.name(), "PAX header too large");
          }
          TreeMap<String, byte[]> g = new TreeMap<>();
          extended.parsePax(readMeta(size, "PAX header too large"), g);
          if (globals == null) {
            globals = new TreeMap<>();
          }
          ExtendedHeaders.mergeInto(globals, g);
          continue;
        case 'L':
          longName = ExtendedHeaders.trimNul(readMeta(size, "GNU long name record too large"));
          continue;
        case 'K':
          longLink = ExtendedHeaders.trimNul(readMeta(size, "GNU long link record too large"));
          continue;
        case 'S':
          throw err(
              Kind.UNSUPPORTED_INPUT, header.name(), "GNU sparse format 0.x/old is not supported");
        default:
          break;
      }
      TarEntryType type = TarEntryType.fromFlag(flag);
      if (type == null) {
        String shown =
            flag >= 0x21 && flag < 0x7f
                ? String.valueOf((char) flag)
                : String.format("\\x%02x", flag);
        throw err(
            Kind.UNSUPPORTED_INPUT, header.name(), "unsupported tar entry type '" + shown + "'");
      }
      return buildEntry(type, flag, size, longName, longLink, local);
    }
  }

  /**
   * The content of the entry last returned by {@link #next()}: exactly {@code size} bytes, then
   * EOF. The same object is reused for every entry, so it is only valid until the next call to
   * {@code next()}; closing it does nothing. A stream that ends before the declared size raises
   * {@link ImageException} (truncated tar stream).
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
      byte @Nullable [] longName,
      byte @Nullable [] longLink,
      @Nullable TreeMap<String, byte[]> local)
      throws IOException {
    boolean ustar = header.ustar();
    boolean posix = header.posix();

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
      ExtendedHeaders.mergeInto(pax, local);
    }

    // Raw name: PAX path > GNU long name > header fields.
    byte[] rawName;
    byte[] rawLink;
    if (longName != null) {
      rawName = longName;
    } else {
      rawName = header.path(posix);
    }
    rawLink = longLink != null ? longLink : header.field(157, 100);

    long size = headerSize;
    long uid = header.number(108, 8, "uid");
    long gid = header.number(116, 8, "gid");
    long mtime = header.number(136, 12, "mtime");
    int mtimeNanos = 0;
    String uname = ustar ? unameCache.get(header.block, 265, 32) : "";
    String gname = ustar ? gnameCache.get(header.block, 297, 32) : "";
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
            size = extended.parseDecimal(v, "size", currentName);
            break;
          case "uid":
            uid = extended.parseDecimal(v, "uid", currentName);
            break;
          case "gid":
            gid = extended.parseDecimal(v, "gid", currentName);
            break;
          case "uname":
            uname = new String(v, StandardCharsets.UTF_8);
            break;
          case "gname":
            gname = new String(v, StandardCharsets.UTF_8);
            break;
          case "mtime":
            ExtendedHeaders.PaxTime t = extended.parsePaxTime(v, currentName);
            mtime = t.seconds();
            mtimeNanos = t.nanos();
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
        // sparse is set only where a GNU.sparse.* record went into extras
        rawName = extended.sparseName(Objects.requireNonNull(extras, "extras"), currentName);
      }
    }

    currentName = TarPaths.display(rawName, 0, rawName.length);
    boolean regularFlag = flag == 0 || flag == '0' || flag == '7';
    if (type == TarEntryType.REGULAR && rawName.length > 0 && rawName[rawName.length - 1] == '/') {
      type =
          TarEntryType
              .DIRECTORY; // pre-POSIX archivers marked directories only by the trailing slash
    }
    byte[] path = TarPaths.normalise(rawName, 0, rawName.length);
    if (path == TarPaths.TRAVERSAL) {
      throw err(currentName, "path traversal ('..' component) is not allowed");
    }
    byte[] link = TarHeader.EMPTY;
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
      devMajor = toInt(header.number(329, 8, "devmajor"), "devmajor");
      devMinor = toInt(header.number(337, 8, "devminor"), "devminor");
    }
    int mode = (int) (header.number(100, 8, "mode") & 07777);

    // Like Go and GNU tar, only regular-file typeflags are followed by data; the size of others is
    // ignored.
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

  private int toInt(long v, String field) throws ImageException {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw err(currentName, "malformed tar header: " + field + " out of range");
    }
    return (int) v;
  }

  private ImageException err(@Nullable String entry, String problem) {
    return header.error(entry, problem);
  }

  private ImageException err(Kind kind, @Nullable String entry, String problem) {
    return header.error(kind, entry, problem);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Metadata records and skipping

  /** Reads a metadata record's data (and its padding) after checking the size limit. */
  private byte[] readMeta(long size, String tooLarge) throws IOException {
    if (size > MAX_META) {
      throw err(Kind.LIMIT_EXCEEDED, header.name(), tooLarge);
    }
    String name = header.name();
    byte[] d = new byte[(int) size];
    int got = 0;
    while (got < d.length) {
      int r = input.read(d, got, d.length - got);
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

  /** Skips {@code n} bytes or throws "truncated". */
  private void skipBytes(long n, @Nullable String entry) throws IOException {
    if (!input.skip(n)) {
      throw err(entry, "truncated tar stream (entry content ends early)");
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
      int r = input.read(b, off, (int) Math.min(len, remaining));
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
      return (int) Math.min(remaining, input.buffered());
    }

    @Override
    public void close() {
      // The archive stream belongs to the caller; the rest of the entry is skipped by next().
    }
  }

  /**
   * Reuses the String for a user/group name that repeats from entry to entry (nearly always
   * "root").
   */
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
