package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Runs the real container tools and builds small fixtures. Missing tools fail the test: they are required. */
final class Tools {
  private Tools() {}

  /** Runs a command, failing the test with its output when it exits non-zero. Returns stdout+stderr. */
  static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return fail("cannot run " + cmd[0] + " (required for this test): " + e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0) {
      fail(String.join(" ", cmd) + " exited " + rc + ":\n" + out);
    }
    return out;
  }

  static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String sha256(Path f) throws Exception {
    return sha256(Files.readAllBytes(f));
  }

  /** A tar of the given name -> content files (insertion order). */
  static byte[] tar(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
      for (Map.Entry<String, String> e : files.entrySet()) {
        byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry te = new TarArchiveEntry(e.getKey());
        te.setSize(data.length);
        te.setModTime(0);
        t.putArchiveEntry(te);
        t.write(data);
        t.closeArchiveEntry();
      }
    }
    return bos.toByteArray();
  }

  /** Member names of a tar, in order. */
  static List<String> tarNames(Path tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = Files.newInputStream(tar);
        TarArchiveInputStream t = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    return names;
  }

  /**
   * Rewrites a tar, replacing members by name (null content deletes) and appending new ones; links and other
   * entries are copied as they are.
   */
  static void rewriteTar(Path in, Path out, Map<String, byte[]> replace) throws IOException {
    java.util.Map<String, byte[]> left = new java.util.LinkedHashMap<>(replace);
    try (InputStream is = Files.newInputStream(in);
        TarArchiveInputStream t = new TarArchiveInputStream(is);
        OutputStream os = Files.newOutputStream(out);
        TarArchiveOutputStream o = new TarArchiveOutputStream(os)) {
      o.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        byte[] data = t.readAllBytes();
        if (left.containsKey(e.getName())) {
          data = left.remove(e.getName());
          if (data == null) {
            continue;
          }
          e.setSize(data.length);
        }
        o.putArchiveEntry(e);
        o.write(data);
        o.closeArchiveEntry();
      }
      for (Map.Entry<String, byte[]> n : left.entrySet()) {
        if (n.getValue() == null) {
          continue;
        }
        TarArchiveEntry te = new TarArchiveEntry(n.getKey());
        te.setSize(n.getValue().length);
        o.putArchiveEntry(te);
        o.write(n.getValue());
        o.closeArchiveEntry();
      }
    }
  }

  /** Copies a directory tree. */
  static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path d = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(d);
        } else {
          Files.copy(p, d);
        }
      }
    }
  }

  static byte[] flipByte(byte[] b, int pos) {
    byte[] c = Arrays.copyOf(b, b.length);
    c[pos] ^= 0x55;
    return c;
  }
}
