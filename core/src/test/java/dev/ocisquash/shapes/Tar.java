package dev.ocisquash.shapes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal ustar writer and reader for the shape writers: entries go out in exactly the order a tool writes them,
 * with its modes and times, and directory entries only where the tool writes them. Names up to 255 bytes (ustar
 * prefix field), which every shape here fits.
 */
public final class Tar implements AutoCloseable {
  private final OutputStream out;

  public Tar(Path file) throws IOException {
    this.out = Files.newOutputStream(file);
  }

  /** A regular file entry. */
  public Tar file(String name, byte[] data, int mode, long mtime) throws IOException {
    header(name, '0', data.length, mode, mtime);
    out.write(data);
    pad(data.length);
    return this;
  }

  /** A directory entry ({@code name} ends in '/'). */
  public Tar dir(String name, int mode, long mtime) throws IOException {
    header(name, '5', 0, mode, mtime);
    return this;
  }

  private void header(String name, char type, long size, int mode, long mtime) throws IOException {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length <= 100) {
      System.arraycopy(n, 0, h, 0, n.length);
    } else {
      int cut = name.lastIndexOf('/', 155);
      byte[] prefix = name.substring(0, cut).getBytes(StandardCharsets.UTF_8);
      byte[] rest = name.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(rest, 0, h, 0, rest.length);
      System.arraycopy(prefix, 0, h, 345, prefix.length);
    }
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    h[156] = (byte) type;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    out.write(h);
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    s = "0".repeat(len - 1 - s.length()) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
  }

  private void pad(long size) throws IOException {
    int r = (int) (size % 512);
    if (r != 0) {
      out.write(new byte[512 - r]);
    }
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[1024]);
    out.close();
  }

  /** The regular files and symlink targets ("-> target") of a plain ustar/GNU tar, by name, in order. */
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
}
