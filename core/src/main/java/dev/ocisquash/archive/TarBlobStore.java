package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A plain tar read in place. One sequential pass over the headers records where each member's data
 * lives; blobs are then read with positional reads on a shared {@link FileChannel}, so nothing is
 * extracted and memory only grows with the number of members, never with their size.
 *
 * <p>Symlink and hardlink members are followed within the archive, because legacy {@code docker
 * save} stores a layer that several images share once and points at it with {@code <id>/layer.tar
 * -> ../<other>/layer.tar}.
 */
final class TarBlobStore implements BlobStore {
  private static final int BLOCK = 512;
  private static final int MAX_LINK_HOPS = 32;

  /** What the index keeps per member. */
  private static final class Member {
    final char type; // 'f' file, 'l' symlink, 'h' hardlink, 'd' directory
    final long offset;
    final long size;
    final @Nullable String target;

    Member(char type, long offset, long size, @Nullable String target) {
      this.type = type;
      this.offset = offset;
      this.size = size;
      this.target = target;
    }
  }

  private final String display;
  private final FileChannel channel;
  private final long fileSize;
  private final Map<String, Member> members = new HashMap<>();

  private TarBlobStore(String display, FileChannel channel) throws IOException {
    this.display = display;
    this.channel = channel;
    this.fileSize = channel.size();
  }

  /** Indexes the tar at {@code file}; {@code display} names the input in messages. */
  static TarBlobStore open(Path file, String display) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      TarBlobStore store = new TarBlobStore(display, ch);
      store.index();
      return store;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** True when the first block looks like a tar header (ustar magic or a valid checksum). */
  static boolean looksLikeTar(byte[] head, int len) {
    if (len < BLOCK) {
      return false;
    }
    if (head[257] == 'u'
        && head[258] == 's'
        && head[259] == 't'
        && head[260] == 'a'
        && head[261] == 'r') {
      return true;
    }
    try {
      long stored = parseNumber(head, 148, 8);
      return stored == checksum(head);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void index() throws IOException {
    byte[] hdr = new byte[BLOCK];
    long pos = 0;
    String longName = null;
    String longLink = null;
    Map<String, String> pax = null;
    while (true) {
      if (pos + BLOCK > fileSize) {
        if (pos == fileSize && pos > 0) {
          return; // no end-of-archive blocks; accepted like GNU tar does
        }
        throw fail("truncated tar: header at offset " + pos + " runs past the end of the file");
      }
      readFully(ByteBuffer.wrap(hdr), pos);
      if (isZero(hdr)) {
        return;
      }
      long sum;
      long size;
      try {
        sum = parseNumber(hdr, 148, 8);
        size = parseNumber(hdr, 124, 12);
      } catch (RuntimeException e) {
        throw fail("corrupt tar header at offset " + pos);
      }
      if (sum != checksum(hdr)) {
        throw fail("corrupt tar header at offset " + pos + " (checksum mismatch)");
      }
      char type = (char) hdr[156];
      long dataPos = pos + BLOCK;
      if (pax != null && pax.containsKey("size")) {
        size = Long.parseLong(pax.get("size"));
      }
      if (size < 0 || dataPos + size > fileSize) {
        throw fail("truncated tar: member at offset " + pos + " runs past the end of the file");
      }
      long next = dataPos + ((size + BLOCK - 1) / BLOCK) * BLOCK;
      switch (type) {
        case 'x':
          pax = parsePax(readString(dataPos, size));
          pos = next;
          continue;
        case 'g':
          pos = next;
          continue;
        case 'L':
          longName = trimNul(readString(dataPos, size));
          pos = next;
          continue;
        case 'K':
          longLink = trimNul(readString(dataPos, size));
          pos = next;
          continue;
        default:
          break;
      }
      String name = headerName(hdr);
      String link = cString(hdr, 157, 100);
      if (longName != null) {
        name = longName;
      }
      if (longLink != null) {
        link = longLink;
      }
      if (pax != null) {
        name = pax.getOrDefault("path", name);
        link = pax.getOrDefault("linkpath", link);
      }
      longName = null;
      longLink = null;
      pax = null;
      String key = ArchivePaths.normalize(name);
      if (key != null && !key.isEmpty()) {
        switch (type) {
          case '0':
          case '\0':
          case '7':
            members.put(key, new Member('f', dataPos, size, null));
            break;
          case '1':
            members.put(key, new Member('h', 0, 0, link));
            break;
          case '2':
            members.put(key, new Member('l', 0, 0, link));
            break;
          case '5':
            members.put(key, new Member('d', 0, 0, null));
            break;
          default:
            break; // devices, fifos: irrelevant to image archives
        }
      }
      pos = next;
    }
  }

  /** Follows links to the regular member at {@code path}; null when absent. */
  private @Nullable Member resolve(String path) throws ImageException {
    String key = ArchivePaths.normalize(path);
    if (key == null) {
      throw fail("path traversal: '" + path + "' points outside the archive");
    }
    for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
      Member m = members.get(key);
      if (m == null || m.type == 'f' || m.type == 'd') {
        return m == null || m.type == 'd' ? null : m;
      }
      String target = Objects.requireNonNull(m.target, "a link member has a target");
      String next =
          m.type == 'l' ? ArchivePaths.resolveSibling(key, target) : ArchivePaths.normalize(target);
      if (next == null) {
        throw fail(
            "path traversal: link '" + key + "' -> '" + m.target + "' points outside the archive");
      }
      key = next;
    }
    throw fail("too many levels of links at '" + path + "'");
  }

  @Override
  public boolean exists(String path) throws IOException {
    return resolve(path) != null;
  }

  @Override
  public long size(String path) throws IOException {
    return require(path).size;
  }

  @Override
  public InputStream open(String path) throws IOException {
    Member m = require(path);
    return new RegionInputStream(channel, m.offset, m.size);
  }

  @Override
  public int read(String path, long position, ByteBuffer dst) throws IOException {
    Member m = require(path);
    if (position >= m.size) {
      return -1;
    }
    int limit = dst.limit();
    dst.limit(dst.position() + (int) Math.min(dst.remaining(), m.size - position));
    try {
      return channel.read(dst, m.offset + position);
    } finally {
      dst.limit(limit);
    }
  }

  private Member require(String path) throws IOException {
    Member m = resolve(path);
    if (m == null) {
      throw fail(path + " is missing");
    }
    return m;
  }

  @Override
  public String display() {
    return display;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private ImageException fail(String problem) {
    return fail(Kind.CORRUPT_INPUT, problem);
  }

  private ImageException fail(Kind kind, String problem) {
    return new ImageException(kind, ImageException.where(display, null, null, problem));
  }

  private void readFully(ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new EOFException();
      }
      pos += n;
    }
  }

  private String readString(long pos, long size) throws IOException {
    if (size > (1 << 20)) {
      throw fail(
          Kind.LIMIT_EXCEEDED, "tar extension header at offset " + pos + " is unreasonably large");
    }
    byte[] b = new byte[(int) size];
    readFully(ByteBuffer.wrap(b), pos);
    return new String(b, StandardCharsets.UTF_8);
  }

  private Map<String, String> parsePax(String text) throws ImageException {
    Map<String, String> out = new HashMap<>();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int i = 0;
    while (i < b.length) {
      int sp = i;
      while (sp < b.length && b[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(b, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw fail("corrupt pax header");
      }
      if (len <= 0 || i + len > b.length) {
        throw fail("corrupt pax header");
      }
      String rec = new String(b, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) {
        out.put(rec.substring(0, eq), rec.substring(eq + 1));
      }
      i += len;
    }
    return out;
  }

  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar =
        h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    if (ustar && h[262] == 0) { // POSIX ustar has a prefix field; GNU ("ustar  ") does not
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static String trimNul(String s) {
    int nul = s.indexOf('\0');
    return nul < 0 ? s : s.substring(0, nul);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static long checksum(byte[] h) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    return sum;
  }

  /**
   * Parses an octal field, or a GNU base-256 one (high bit set) used for sizes of 8 GiB and more.
   */
  static long parseNumber(byte[] b, int off, int len) {
    if ((b[off] & 0x80) != 0) {
      long v = b[off] & 0x7f;
      for (int i = 1; i < len; i++) {
        v = (v << 8) | (b[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    boolean any = false;
    while (i < end && b[i] >= '0' && b[i] <= '7') {
      v = v * 8 + (b[i] - '0');
      i++;
      any = true;
    }
    if (!any) {
      throw new NumberFormatException("empty numeric field");
    }
    return v;
  }

  /**
   * A bounded stream over a region of the file, read with positional reads so streams never
   * interfere.
   */
  static final class RegionInputStream extends InputStream {
    private final FileChannel ch;
    private long pos;
    private final long end;

    RegionInputStream(FileChannel ch, long offset, long size) {
      this.ch = ch;
      this.pos = offset;
      this.end = offset + size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long left = end - pos;
      if (left <= 0) {
        return -1;
      }
      int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), pos);
      if (n < 0) {
        throw new EOFException("archive shrank while being read");
      }
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, end - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }
  }
}
