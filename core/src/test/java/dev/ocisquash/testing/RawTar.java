package dev.ocisquash.testing;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarReader;
import dev.ocisquash.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one tar helper of the tests: tar bytes made by hand (headers no well-behaved writer would
 * produce), a minimal ustar {@link Writer} that writes entries exactly as a given tool orders them,
 * a minimal reader independent of the project's (member names, files, a copy with members
 * replaced), and whole archives round-tripped through the project's own {@link TarWriter} and
 * {@link TarReader}.
 */
public final class RawTar {
  private RawTar() {}

  /**
   * A ustar header block: mode 0644, uid/gid 0, mtime 0, a correct checksum; sizes clamp to the
   * 11-digit field.
   */
  public static byte[] header(String name, char flag, long size) {
    return header(name.getBytes(StandardCharsets.UTF_8), flag, size);
  }

  /** {@link #header(String, char, long)} with a name of raw bytes (first 100 kept). */
  public static byte[] header(byte[] name, char flag, long size) {
    byte[] h = new byte[512];
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, Math.min(size, 077777777777L));
    octal(h, 136, 12, 0);
    h[156] = (byte) flag;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    checksum(h);
    return h;
  }

  /** Writes {@code v} as a zero-padded, NUL-terminated octal field. */
  public static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    s = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  /** Sets the header's checksum field for its current bytes. */
  public static void checksum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String s = String.format("%06o", sum);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
  }

  /** Data padded with zeros to a block boundary. */
  public static byte[] padded(byte[] data) {
    return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
  }

  /** A regular file entry: header and padded data. */
  public static byte[] file(String name, byte[] data) {
    return concat(header(name, '0', data.length), padded(data));
  }

  /** A link entry ({@code '1'} hard, {@code '2'} symbolic) to {@code target}. */
  public static byte[] link(char flag, String name, String target) {
    byte[] h = header(name, flag, 0);
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, h, 157, Math.min(100, t.length));
    checksum(h);
    return h;
  }

  /** One PAX record, {@code "LEN key=value\n"}, its length counting itself. */
  public static byte[] paxRecord(String key, byte[] value) {
    byte[] kv = (" " + key + "=").getBytes(StandardCharsets.UTF_8);
    int len = kv.length + value.length + 1;
    int digits = String.valueOf(len).length();
    int total = len + digits;
    if (String.valueOf(total).length() != digits) {
      total++;
    }
    return concat(
        String.valueOf(total).getBytes(StandardCharsets.US_ASCII), kv, value, new byte[] {'\n'});
  }

  /** {@link #paxRecord(String, byte[])} of a UTF-8 value. */
  public static byte[] paxRecord(String key, String value) {
    return paxRecord(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A PAX 'x' (or 'g') header plus its padded records. */
  public static byte[] paxHeader(char flag, byte[]... records) {
    byte[] data = concat(records);
    return concat(header("PaxHeaders/x", flag, data.length), padded(data));
  }

  /** The end-of-archive marker, two zero blocks. */
  public static byte[] end() {
    return new byte[1024];
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.writeBytes(p);
    }
    return bos.toByteArray();
  }

  /** A whole layer tar of the given entries plus the end marker. */
  public static byte[] of(byte[]... entries) {
    return concat(concat(entries), end());
  }

  /** A tar of the given name to UTF-8 content files, in the map's order, mtime 0. */
  public static byte[] files(Map<String, String> files) {
    List<byte[]> entries = new ArrayList<>();
    for (Map.Entry<String, String> e : files.entrySet()) {
      entries.add(file(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
    }
    return of(entries.toArray(new byte[0][]));
  }

  /** An entry and its content as the project's reader returned them. */
  @SuppressWarnings("ArrayRecordComponent") // a read entry; never compared
  public record Item(TarEntry entry, byte[] content) {}

  /** Writes entries with the project's {@link TarWriter}, checking its byte count. */
  public static byte[] write(List<TarEntry> entries, List<byte[]> contents) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(bos);
    for (int i = 0; i < entries.size(); i++) {
      w.putEntry(entries.get(i));
      byte[] c = contents.get(i);
      if (c != null) {
        w.write(c, 0, c.length);
      }
      w.closeEntry();
    }
    w.finish();
    if (w.bytesWritten() != bos.size()) {
      throw new AssertionError("bytesWritten " + w.bytesWritten() + " != " + bos.size());
    }
    return bos.toByteArray();
  }

  /** Reads every entry with the project's {@link TarReader}, checking its entry count. */
  public static List<Item> readAll(byte[] tar) throws IOException {
    return readAll(new ByteArrayInputStream(tar));
  }

  /** As {@link #readAll(byte[])} from a stream. */
  public static List<Item> readAll(InputStream in) throws IOException {
    TarReader r = new TarReader(in, "test.tar");
    List<Item> out = new ArrayList<>();
    TarEntry e;
    while ((e = r.next()) != null) {
      out.add(new Item(e, r.content().readAllBytes()));
    }
    if (r.entryCount() != out.size()) {
      throw new AssertionError("entryCount " + r.entryCount() + " != " + out.size());
    }
    return out;
  }

  /**
   * One member as stored: its header block, the bytes after it, and its name (PAX or GNU long name
   * applied).
   */
  @SuppressWarnings("ArrayRecordComponent") // a member to write; never compared
  private record Member(byte[] header, byte[] data, String name) {}

  /**
   * The members of a plain tar; PAX 'x'/'g' and GNU 'L'/'K' blocks come through as members of their
   * own.
   */
  private static List<Member> members(byte[] tar) {
    List<Member> out = new ArrayList<>();
    String longName = null;
    for (int at = 0; at + 512 <= tar.length && tar[at] != 0; ) {
      byte[] h = Arrays.copyOfRange(tar, at, at + 512);
      int size = (int) Long.parseLong(cstr(h, 124, 12).trim(), 8);
      byte[] data = Arrays.copyOfRange(tar, at + 512, at + 512 + size);
      at += 512 + (size + 511) / 512 * 512;
      String name = cstr(h, 0, 100);
      String prefix = cstr(h, 345, 155);
      if (!prefix.isEmpty() && h[257] == 'u' && h[262] == 0) {
        name = prefix + "/" + name;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (h[156] == 'L') {
        longName = cstr(data, 0, data.length);
      } else if (h[156] == 'x') {
        String recs = new String(data, StandardCharsets.UTF_8);
        for (String rec : recs.split("\n", -1)) {
          int sp = rec.indexOf(' ');
          if (rec.startsWith("path=", sp + 1)) {
            longName = rec.substring(sp + 6);
          }
        }
      }
      out.add(new Member(h, data, name));
    }
    return out;
  }

  private static boolean meta(Member m) {
    byte f = m.header()[156];
    return f == 'x' || f == 'g' || f == 'L' || f == 'K';
  }

  /**
   * The member names of a tar file, in order (PAX and GNU long names applied; their own blocks left
   * out).
   */
  public static List<String> names(Path tar) throws IOException {
    List<String> names = new ArrayList<>();
    for (Member m : members(Files.readAllBytes(tar))) {
      if (!meta(m)) {
        names.add(m.name());
      }
    }
    return names;
  }

  /**
   * Copies a tar, replacing the content of members by name (a null content deletes the member) and
   * appending the names it does not hold as new files; every other block is copied as it is.
   */
  public static void rewrite(Path in, Path out, Map<String, byte[]> replace) throws IOException {
    Map<String, byte[]> left = new LinkedHashMap<>(replace);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    byte[] pending = new byte[0]; // PAX or long-name blocks, written with the member they describe
    for (Member m : members(Files.readAllBytes(in))) {
      byte[] h = m.header();
      byte[] data = m.data();
      if (meta(m)) {
        pending = concat(pending, h, padded(data));
        continue;
      }
      if (left.containsKey(m.name())) {
        data = left.remove(m.name());
        if (data == null) {
          pending = new byte[0];
          continue;
        }
        octal(h, 124, 12, data.length);
        checksum(h);
      }
      o.writeBytes(concat(pending, h, padded(data)));
      pending = new byte[0];
    }
    for (Map.Entry<String, byte[]> n : left.entrySet()) {
      if (n.getValue() != null) {
        o.writeBytes(file(n.getKey(), n.getValue()));
      }
    }
    o.writeBytes(end());
    Files.write(out, o.toByteArray());
  }

  /**
   * The regular files and symlink targets ({@code "-> target"}) of a plain ustar/GNU tar, by name,
   * in order; an independent reader for what the project's writer produced.
   */
  public static Map<String, byte[]> read(InputStream in) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] h = new byte[512];
    while (in.readNBytes(h, 0, 512) == 512) {
      if (h[0] == 0) {
        break;
      }
      String name = cstr(h, 0, 100);
      String prefix = cstr(h, 345, 155);
      if (!prefix.isEmpty() && h[257] == 'u' && h[262] == 0) {
        name = prefix + "/" + name;
      }
      long size = Long.parseLong(cstr(h, 124, 12).trim(), 8);
      byte[] data = in.readNBytes((int) size);
      in.skipNBytes((512 - size % 512) % 512);
      if (h[156] == '0' || h[156] == 0) {
        files.put(name, data);
      } else if (h[156] == '2') {
        files.put(name, ("-> " + cstr(h, 157, 100)).getBytes(StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  private static String cstr(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  /**
   * A minimal ustar writer for fixtures that must look like a given tool's: entries go out in
   * exactly the order written, with the given modes and times, and directory entries only where
   * written. Names up to 255 bytes (the ustar prefix field).
   */
  public static final class Writer implements AutoCloseable {
    private final OutputStream out;

    public Writer(Path file) throws IOException {
      this.out = Files.newOutputStream(file);
    }

    /** A regular file entry. */
    public Writer file(String name, byte[] data, int mode, long mtime) throws IOException {
      header(name, '0', data.length, mode, mtime);
      out.write(data);
      out.write(new byte[(int) ((512 - data.length % 512) % 512)]);
      return this;
    }

    /** A directory entry ({@code name} ends in '/'). */
    public Writer dir(String name, int mode, long mtime) throws IOException {
      header(name, '5', 0, mode, mtime);
      return this;
    }

    private void header(String name, char type, long size, int mode, long mtime)
        throws IOException {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] h;
      if (n.length <= 100) {
        h = RawTar.header(n, type, size);
      } else {
        int cut = name.lastIndexOf('/', 155);
        h = RawTar.header(name.substring(cut + 1).getBytes(StandardCharsets.UTF_8), type, size);
        byte[] prefix = name.substring(0, cut).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, h, 345, prefix.length);
      }
      octal(h, 100, 8, mode);
      octal(h, 136, 12, mtime);
      checksum(h);
      out.write(h);
    }

    @Override
    public void close() throws IOException {
      out.write(new byte[1024]);
      out.close();
    }
  }
}
