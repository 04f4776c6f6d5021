package dev.ocisquash.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Hand-made tar bytes, for headers no well-behaved writer would produce. */
final class RawTar {
  private RawTar() {}

  static byte[] header(String name, char flag, long size) {
    return header(name.getBytes(StandardCharsets.UTF_8), flag, size);
  }

  static byte[] header(byte[] name, char flag, long size) {
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

  static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    s = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
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

  static byte[] padded(byte[] data) {
    return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
  }

  static byte[] file(String name, byte[] data) {
    return concat(header(name, '0', data.length), padded(data));
  }

  static byte[] link(char flag, String name, String target) {
    byte[] h = header(name, flag, 0);
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, h, 157, Math.min(100, t.length));
    checksum(h);
    return h;
  }

  static byte[] paxRecord(String key, byte[] value) {
    byte[] kv = (" " + key + "=").getBytes(StandardCharsets.UTF_8);
    int len = kv.length + value.length + 1;
    int digits = String.valueOf(len).length();
    int total = len + digits;
    if (String.valueOf(total).length() != digits) {
      total++;
    }
    return concat(String.valueOf(total).getBytes(StandardCharsets.US_ASCII), kv, value, new byte[] {'\n'});
  }

  static byte[] end() {
    return new byte[1024];
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.writeBytes(p);
    }
    return bos.toByteArray();
  }

  /** A whole layer tar of the given entries plus the end marker. */
  static byte[] of(byte[]... entries) {
    return concat(concat(entries), end());
  }
}
