package dev.ocisquash.cli;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Builds small docker-archive images in tests, so that each bad input is made from a known-good one
 * by one deliberate change. Layers are given as uncompressed tar bytes (or files, for big ones);
 * the builder computes the diff_ids, and the caller may override anything to break it.
 */
final class TestImages {
  private TestImages() {}

  /** One member of the outer archive. */
  @SuppressWarnings("ArrayRecordComponent") // a member to write; never compared
  record Member(String name, byte[] data, Path file, TarEntryType type, String link) {
    static Member bytes(String name, byte[] data) {
      return new Member(name, data, null, TarEntryType.REGULAR, null);
    }

    static Member file(String name, Path file) {
      return new Member(name, null, file, TarEntryType.REGULAR, null);
    }
  }

  /** A tar with the given members, as bytes. */
  static byte[] tar(List<Member> members) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    writeTar(members, bos);
    return bos.toByteArray();
  }

  static void writeTar(List<Member> members, OutputStream out) throws IOException {
    TarWriter w = new TarWriter(out);
    for (Member m : members) {
      long size =
          m.type != TarEntryType.REGULAR ? 0 : m.data != null ? m.data.length : Files.size(m.file);
      TarEntry.Builder b = TarEntry.builder(m.type, m.name).mode(0644).size(size);
      if (m.link != null) {
        b.linkTarget(m.link);
      }
      w.putEntry(b.build());
      if (m.data != null) {
        w.write(m.data, 0, m.data.length);
      } else if (m.file != null) {
        try (InputStream in = Files.newInputStream(m.file)) {
          byte[] buf = new byte[1 << 16];
          for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            w.write(buf, 0, n);
          }
        }
      }
      w.closeEntry();
    }
    w.finish();
    out.flush();
  }

  /** A layer tar holding regular files {@code name -> content}, given as alternating arguments. */
  static byte[] layer(Object... nameThenContent) throws IOException {
    List<Member> ms = new ArrayList<>();
    for (int i = 0; i < nameThenContent.length; i += 2) {
      Object c = nameThenContent[i + 1];
      byte[] data = c instanceof byte[] b ? b : String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      ms.add(Member.bytes((String) nameThenContent[i], data));
    }
    return tar(ms);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  static byte[] zstd(byte[] data) {
    return com.github.luben.zstd.Zstd.compress(data, 3);
  }

  static String sha256(byte[] data) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String configJson(List<String> diffIds) {
    StringBuilder sb =
        new StringBuilder("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},");
    sb.append("\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
    for (int i = 0; i < diffIds.size(); i++) {
      sb.append(i > 0 ? "," : "").append('"').append(diffIds.get(i)).append('"');
    }
    return sb.append("]}}").toString();
  }

  static String manifestJson(String config, List<String> layers) {
    StringBuilder sb =
        new StringBuilder("[{\"Config\":\"").append(config).append("\",\"RepoTags\":[\"t/x:1\"],");
    sb.append("\"Layers\":[");
    for (int i = 0; i < layers.size(); i++) {
      sb.append(i > 0 ? "," : "").append('"').append(layers.get(i)).append('"');
    }
    return sb.append("]}]").toString();
  }

  /**
   * A docker archive with the given layers: {@code stored[i]} is the blob as stored (maybe
   * compressed), {@code uncompressed[i]} what its diff_id is computed from.
   */
  static byte[] dockerArchive(List<byte[]> stored, List<byte[]> uncompressed) throws IOException {
    List<String> diffIds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Member> ms = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      diffIds.add(sha256(uncompressed.get(i)));
      names.add("layer" + i + ".tar");
      ms.add(Member.bytes("layer" + i + ".tar", stored.get(i)));
    }
    ms.add(0, Member.bytes("config.json", configJson(diffIds).getBytes(StandardCharsets.UTF_8)));
    ms.add(
        0,
        Member.bytes(
            "manifest.json", manifestJson("config.json", names).getBytes(StandardCharsets.UTF_8)));
    return tar(ms);
  }

  /** A docker archive of plain (uncompressed) layers. */
  static byte[] dockerArchive(byte[]... layers) throws IOException {
    return dockerArchive(List.of(layers), List.of(layers));
  }

  /**
   * Writes a docker archive of two layers, each one file of {@code bytesPerLayer} random bytes, to
   * {@code out}, streaming through temporary files so that big images need no heap.
   */
  static void bigRandomImage(Path out, long bytesPerLayer, Path work) throws IOException {
    Random rnd = new Random(7);
    List<String> diffIds = new ArrayList<>();
    List<Member> ms = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int l = 0; l < 2; l++) {
      Path data = work.resolve("data" + l);
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(data))) {
        byte[] buf = new byte[1 << 20];
        for (long left = bytesPerLayer; left > 0; left -= buf.length) {
          rnd.nextBytes(buf);
          o.write(buf, 0, (int) Math.min(buf.length, left));
        }
      }
      Path layer = work.resolve("layer" + l + ".tar");
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(layer))) {
        writeTar(List.of(Member.file("big" + l + ".bin", data)), o);
      }
      Files.delete(data);
      diffIds.add(sha256(layer));
      names.add("layer" + l + ".tar");
      ms.add(Member.file("layer" + l + ".tar", layer));
    }
    ms.add(0, Member.bytes("config.json", configJson(diffIds).getBytes(StandardCharsets.UTF_8)));
    ms.add(
        0,
        Member.bytes(
            "manifest.json", manifestJson("config.json", names).getBytes(StandardCharsets.UTF_8)));
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out))) {
      writeTar(ms, o);
    }
    for (String n : names) {
      Files.delete(work.resolve(n));
    }
  }
}
