package dev.ocisquash.tar;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the tar tests: raw header construction, writing and reading whole archives, processes. */
final class TarTestSupport {
  private TarTestSupport() {}

  /** An entry and its content as read back. */
  record Item(TarEntry entry, byte[] content) {}

  static byte[] write(List<TarEntry> entries, List<byte[]> contents) throws IOException {
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

  static List<Item> readAll(byte[] tar) throws IOException {
    return readAll(new ByteArrayInputStream(tar));
  }

  static List<Item> readAll(InputStream in) throws IOException {
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

  /** A ustar header block with the given name, typeflag and size, and a correct checksum. */
  static byte[] header(byte[] name, byte flag, long size) {
    byte[] h = new byte[512];
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = flag;
    System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    checksum(h);
    return h;
  }

  static byte[] header(String name, char flag, long size) {
    return header(name.getBytes(StandardCharsets.UTF_8), (byte) flag, size);
  }

  static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    while (s.length() < len - 1) {
      s = "0" + s;
    }
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  static void checksum(byte[] h) {
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

  /** Data padded to a block boundary. */
  static byte[] padded(byte[] data) {
    return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
  }

  static byte[] paxRecord(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int len = TarWriter.recordLength(k.length + value.length);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(k);
    b.write('=');
    b.writeBytes(value);
    b.write('\n');
    return b.toByteArray();
  }

  static byte[] paxRecord(String key, String value) {
    return paxRecord(key, value.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  /** A PAX 'x' (or 'g') header plus its padded records. */
  static byte[] paxHeader(char flag, byte[]... records) {
    byte[] data = concat(records);
    return concat(header("PaxHeaders/x", flag, data.length), padded(data));
  }

  static byte[] end() {
    return new byte[1024];
  }

  /** Runs a command, fails on a non-zero exit, returns stdout+stderr. */
  static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timeout: " + String.join(" ", cmd));
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + s);
    }
    return s;
  }
}
