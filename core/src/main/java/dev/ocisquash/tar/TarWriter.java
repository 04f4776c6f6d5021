package dev.ocisquash.tar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Deterministic tar writer: the same entries and content always give the same bytes, so a squashed
 * layer gets the same diff_id on every run and machine.
 *
 * <p>Headers are ustar ({@code "ustar\0"}, version {@code "00"}); whatever ustar cannot hold (long
 * or unsplittable names, big ids, sizes or times, sub-second or pre-1970 mtimes, long user names,
 * xattrs and other PAX extras) goes into one PAX {@code x} header per entry with all records sorted
 * by key bytes. No atime or ctime is ever written, and the PAX header's own fields are fixed.
 *
 * <p>Usage: {@link #putEntry}, then exactly {@code size} content bytes via {@link #write} or {@link
 * #contentStream()}, then {@link #closeEntry()} (called implicitly by the next {@code putEntry} or
 * {@link #finish()}), and finally {@link #finish()}. Not thread-safe; never closes the target
 * stream.
 */
public final class TarWriter {
  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final byte[] PAX_PREFIX = "PaxHeaders/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ROOT_NAME = "./".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final byte[] buf = new byte[64 * 1024];
  private int count;
  private final byte[] header = new byte[BLOCK];
  private long bytesWritten;
  private boolean open;
  private long expected;
  private long written;
  private boolean finished;
  private final OutputStream contentStream = new ContentStream();
  private final List<byte[][]> records = new ArrayList<>();

  /**
   * Creates a writer. Output is buffered internally (64 KiB), so {@code out} needs no buffering of
   * its own.
   *
   * @param out receives the tar bytes; flushed by {@link #finish()}, never closed
   */
  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Writes the header (and a PAX header before it when needed) for {@code e}. If the previous entry
   * is still open it is closed first, which fails if its content is incomplete.
   *
   * @throws IllegalArgumentException for values no tar format can carry (negative ids or size)
   * @throws IllegalStateException after {@link #finish()} or when the previous entry's content is
   *     incomplete
   */
  public void putEntry(TarEntry e) throws IOException {
    if (finished) {
      throw new IllegalStateException("tar writer already finished");
    }
    if (open) {
      closeEntry();
    }
    if (e.uid() < 0 || e.gid() < 0) {
      throw new IllegalArgumentException("negative uid/gid for " + e.path());
    }
    if (e.size() < 0) {
      throw new IllegalArgumentException("negative size for " + e.path());
    }
    records.clear();

    byte[] path = e.pathBytes();
    byte[] name;
    if (path.length == 0) {
      name = e.isDirectory() ? ROOT_NAME : path;
    } else if (e.isDirectory()) {
      name = Arrays.copyOf(path, path.length + 1);
      name[path.length] = '/';
    } else {
      name = path;
    }

    // Name: plain field, ustar prefix split, or PAX path.
    int split = -1;
    if (name.length > 100) {
      split = ustarSplit(name);
      if (split < 0) {
        addRecord("path", name);
      }
    }

    byte[] link = e.linkTargetBytes();
    if (e.type() == TarEntryType.HARDLINK) {
      byte[] n = TarPaths.normalise(link);
      link = n == TarPaths.TRAVERSAL ? link : n;
    } else if (e.type() != TarEntryType.SYMLINK) {
      link = new byte[0];
    }
    if (link.length > 100) {
      addRecord("linkpath", link);
    }
    if (e.uid() > MAX_OCTAL_7) {
      addRecord("uid", ascii(Long.toString(e.uid())));
    }
    if (e.gid() > MAX_OCTAL_7) {
      addRecord("gid", ascii(Long.toString(e.gid())));
    }
    byte[] uname = e.userName().getBytes(StandardCharsets.UTF_8);
    byte[] gname = e.groupName().getBytes(StandardCharsets.UTF_8);
    if (uname.length > 32) {
      addRecord("uname", uname);
    }
    if (gname.length > 32) {
      addRecord("gname", gname);
    }
    if (e.size() > MAX_OCTAL_11) {
      addRecord("size", ascii(Long.toString(e.size())));
    }
    long mtime = e.mtimeSeconds();
    if (mtime < 0 || mtime > MAX_OCTAL_11 || e.mtimeNanos() != 0) {
      addRecord("mtime", ascii(formatPaxTime(mtime, e.mtimeNanos())));
    }
    for (Map.Entry<String, byte[]> x : e.paxExtras().entrySet()) {
      if (!isInterpreted(x.getKey())) {
        addRecord(x.getKey(), x.getValue());
      }
    }

    if (!records.isEmpty()) {
      writePaxHeader(path);
    }

    // The real header.
    Arrays.fill(header, (byte) 0);
    if (split >= 0) {
      putBytes(name, split + 1, name.length - split - 1, 0, 100);
      putBytes(name, 0, split, 345, 155);
    } else {
      putBytes(name, 0, Math.min(name.length, 100), 0, 100);
    }
    putOctal(e.mode() & 07777, 100, 8);
    putOctal(e.uid() <= MAX_OCTAL_7 ? e.uid() : 0, 108, 8);
    putOctal(e.gid() <= MAX_OCTAL_7 ? e.gid() : 0, 116, 8);
    putOctal(e.size() <= MAX_OCTAL_11 ? e.size() : 0, 124, 12);
    putOctal(Math.max(0, Math.min(mtime, MAX_OCTAL_11)), 136, 12);
    header[156] = e.type().flag();
    putBytes(link, 0, Math.min(link.length, 100), 157, 100);
    putBytes(uname, 0, Math.min(uname.length, 32), 265, 32);
    putBytes(gname, 0, Math.min(gname.length, 32), 297, 32);
    if (e.type() == TarEntryType.CHAR_DEVICE || e.type() == TarEntryType.BLOCK_DEVICE) {
      putNumber(e.devMajor(), 329, 8);
      putNumber(e.devMinor(), 337, 8);
    } else {
      putOctal(0, 329, 8);
      putOctal(0, 337, 8);
    }
    finishHeader();

    open = true;
    expected = e.size();
    written = 0;
  }

  /** Writes content bytes of the current entry; more than its declared size is an error. */
  public void write(byte[] b, int off, int len) throws IOException {
    if (!open) {
      throw new IllegalStateException("no open tar entry");
    }
    if (len > expected - written) {
      throw new IllegalStateException(
          "tar entry content exceeds declared size "
              + expected
              + " (already "
              + written
              + ", +"
              + len
              + ")");
    }
    emit(b, off, len);
    written += len;
  }

  /**
   * A stream view of {@link #write}; one instance per writer, so callers can hand it to a copy
   * routine. Closing it does nothing.
   */
  public OutputStream contentStream() {
    return contentStream;
  }

  /**
   * Ends the current entry, padding its content to a block boundary.
   *
   * @throws IllegalStateException if fewer bytes were written than the declared size, or no entry
   *     is open
   */
  public void closeEntry() throws IOException {
    if (!open) {
      throw new IllegalStateException("no open tar entry");
    }
    if (written != expected) {
      throw new IllegalStateException(
          "tar entry content incomplete: wrote " + written + " of " + expected + " bytes");
    }
    int pad = (int) ((BLOCK - (expected & (BLOCK - 1))) & (BLOCK - 1));
    if (pad > 0) {
      Arrays.fill(header, (byte) 0);
      emit(header, 0, pad);
    }
    open = false;
  }

  /**
   * Closes the open entry if any, writes the end-of-archive marker (two zero blocks) and flushes
   * the target stream, which stays open because it is usually a compressor the caller still has to
   * finish.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    if (open) {
      closeEntry();
    }
    Arrays.fill(header, (byte) 0);
    emit(header, 0, BLOCK);
    emit(header, 0, BLOCK);
    flushBuffer();
    out.flush();
    finished = true;
  }

  /** Bytes of tar produced so far (including bytes still in the internal buffer). */
  public long bytesWritten() {
    return bytesWritten;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static boolean isInterpreted(String key) {
    switch (key) {
      case "path":
      case "linkpath":
      case "size":
      case "uid":
      case "gid":
      case "uname":
      case "gname":
      case "mtime":
      case "atime":
      case "ctime":
        return true;
      default:
        return false;
    }
  }

  /**
   * Finds the slash that splits {@code name} into a prefix of at most 155 bytes and a non-empty
   * name of 100.
   */
  private static int ustarSplit(byte[] name) {
    if (name.length > 155 + 1 + 100) {
      return -1;
    }
    // Prefer the longest prefix, like Go and GNU tar, so the same name always splits the same way.
    for (int i = Math.min(155, name.length - 1); i > 0; i--) {
      if (name[i] == '/') {
        int rest = name.length - i - 1;
        if (rest == 0) {
          continue; // the slash of a directory's trailing '/': the name part would be empty
        }
        return rest <= 100 ? i : -1;
      }
    }
    return -1;
  }

  private void addRecord(String key, byte[] value) {
    records.add(new byte[][] {key.getBytes(StandardCharsets.UTF_8), value});
  }

  private void writePaxHeader(byte[] path) throws IOException {
    records.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    int total = 0;
    int[] lens = new int[records.size()];
    for (int i = 0; i < lens.length; i++) {
      byte[][] r = records.get(i);
      lens[i] = recordLength(r[0].length + r[1].length);
      total += lens[i];
    }
    // Header name: PaxHeaders/<basename>, cut to fit; a pure function of the path so output is
    // reproducible.
    int base = path.length;
    while (base > 0 && path[base - 1] != '/') {
      base--;
    }
    int baseLen = path.length - base;
    Arrays.fill(header, (byte) 0);
    System.arraycopy(PAX_PREFIX, 0, header, 0, PAX_PREFIX.length);
    if (baseLen == 0) {
      header[PAX_PREFIX.length] = '.';
    } else {
      System.arraycopy(
          path, base, header, PAX_PREFIX.length, Math.min(baseLen, 100 - PAX_PREFIX.length));
    }
    putOctal(0644, 100, 8);
    putOctal(0, 108, 8);
    putOctal(0, 116, 8);
    putOctal(total, 124, 12);
    putOctal(0, 136, 12);
    header[156] = 'x';
    putOctal(0, 329, 8);
    putOctal(0, 337, 8);
    finishHeader();
    for (int i = 0; i < lens.length; i++) {
      byte[][] r = records.get(i);
      byte[] len = ascii(Integer.toString(lens[i]));
      emit(len, 0, len.length);
      emitByte(' ');
      emit(r[0], 0, r[0].length);
      emitByte('=');
      emit(r[1], 0, r[1].length);
      emitByte('\n');
    }
    int pad = (BLOCK - (total & (BLOCK - 1))) & (BLOCK - 1);
    if (pad > 0) {
      Arrays.fill(header, (byte) 0);
      emit(header, 0, pad);
    }
  }

  /** Length of {@code "LEN KEY=VALUE\n"}, where LEN counts its own digits. */
  static int recordLength(int keyAndValue) {
    int base = keyAndValue + 3; // ' ', '=', '\n'
    int digits = 1;
    while (Integer.toString(base + digits).length() != digits) {
      digits++;
    }
    return base + digits;
  }

  /**
   * Formats {@code sec.nnnnnnnnn} with trailing zeros trimmed. Seconds are floored, so a time
   * before the epoch with a fraction prints as e.g. {@code -1.5} for seconds -2 plus 500000000 ns.
   */
  static String formatPaxTime(long seconds, int nanos) {
    if (nanos == 0) {
      return Long.toString(seconds);
    }
    String sign = "";
    long whole = seconds;
    long frac = nanos;
    if (seconds < 0) {
      sign = "-";
      whole = -(seconds + 1);
      frac = 1_000_000_000L - nanos;
    }
    String f = String.format("%09d", frac);
    int end = f.length();
    while (end > 0 && f.charAt(end - 1) == '0') {
      end--;
    }
    return sign + whole + "." + f.substring(0, end);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private void putBytes(byte[] src, int srcOff, int len, int off, int max) {
    System.arraycopy(src, srcOff, header, off, Math.min(len, max));
  }

  /** Zero-padded octal in width-1 digits followed by NUL. */
  private void putOctal(long v, int off, int len) {
    int digits = len - 1;
    for (int i = digits - 1; i >= 0; i--) {
      header[off + i] = (byte) ('0' + (v & 7));
      v >>>= 3;
    }
    header[off + digits] = 0;
  }

  /**
   * Octal when it fits, else GNU base-256 (only device numbers can get here; PAX has no key for
   * them).
   */
  private void putNumber(long v, int off, int len) {
    if (v >= 0 && v < (1L << (3 * (len - 1)))) {
      putOctal(v, off, len);
      return;
    }
    for (int i = len - 1; i >= 0; i--) {
      header[off + i] = (byte) v;
      v >>= 8;
    }
    header[off] |= (byte) 0x80;
  }

  private void finishHeader() throws IOException {
    header[257] = 'u';
    header[258] = 's';
    header[259] = 't';
    header[260] = 'a';
    header[261] = 'r';
    header[262] = 0;
    header[263] = '0';
    header[264] = '0';
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += header[i] & 0xff;
    }
    // Conventional layout: six octal digits, NUL, space.
    for (int i = 153; i >= 148; i--) {
      header[i] = (byte) ('0' + (sum & 7));
      sum >>>= 3;
    }
    header[154] = 0;
    header[155] = ' ';
    emit(header, 0, BLOCK);
  }

  private void emitByte(int b) throws IOException {
    if (count == buf.length) {
      flushBuffer();
    }
    buf[count++] = (byte) b;
    bytesWritten++;
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    if (len >= buf.length) {
      flushBuffer();
      out.write(b, off, len);
    } else {
      if (len > buf.length - count) {
        flushBuffer();
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }
    bytesWritten += len;
  }

  private void flushBuffer() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }

  /** Stream view over {@link TarWriter#write}. */
  private final class ContentStream extends OutputStream {
    private final byte[] one = new byte[1];

    @Override
    public void write(int b) throws IOException {
      one[0] = (byte) b;
      TarWriter.this.write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      TarWriter.this.write(b, off, len);
    }

    @Override
    public void flush() {
      // Nothing to do: flushing mid-entry would only fragment the output.
    }

    @Override
    public void close() {
      // The entry is closed by closeEntry(), the tar by finish().
    }
  }
}
