package dev.ocisquash.tar;

import static dev.ocisquash.testing.RawTar.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads archives that GNU tar itself creates, as an independent writer. */
class GnuTarInteropTest {
  private static final String LONG = "long-" + "x".repeat(60) + "/" + "y".repeat(120) + ".txt";

  private static Path populate(Path dir) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve(LONG).getParent());
    Files.writeString(src.resolve("file.txt"), "hello\n");
    Files.writeString(src.resolve(LONG), "long\n");
    Files.createSymbolicLink(src.resolve("sym"), Path.of("file.txt"));
    Files.createLink(src.resolve("hard"), src.resolve("file.txt"));
    Proc.of("mkfifo", "fifo").dir(src).timeout(30).check();
    Files.setLastModifiedTime(
        src.resolve("file.txt"),
        FileTime.from(java.time.Instant.parse("2001-02-03T04:05:06.789Z")));
    return src;
  }

  private static Map<String, RawTar.Item> byPath(List<RawTar.Item> items) {
    Map<String, RawTar.Item> m = new HashMap<>();
    for (RawTar.Item it : items) {
      m.put(it.entry().path(), it);
    }
    return m;
  }

  private void check(Path dir, String format) throws Exception {
    Path src = populate(dir);
    Path tar = dir.resolve(format + ".tar");
    Proc.of("tar", "--format=" + format, "-cf", tar.toString(), ".").dir(src).timeout(30).check();
    Map<String, RawTar.Item> m = byPath(readAll(Files.readAllBytes(tar)));
    assertEquals(TarEntryType.DIRECTORY, m.get("").entry().type());
    RawTar.Item f = m.get("file.txt");
    assertNotNull(f, m.keySet().toString());
    assertEquals(TarEntryType.REGULAR, f.entry().type());
    assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), f.content());
    assertEquals(981173106L, f.entry().mtimeSeconds());
    if (format.equals("pax")) {
      assertEquals(789_000_000, f.entry().mtimeNanos());
    }
    assertArrayEquals("long\n".getBytes(StandardCharsets.UTF_8), m.get(LONG).content());
    assertEquals(TarEntryType.SYMLINK, m.get("sym").entry().type());
    assertEquals("file.txt", m.get("sym").entry().linkTarget());
    // GNU tar stores "./hard -> ./file.txt" or the reverse, depending on directory order
    TarEntry h =
        m.get("hard").entry().type() == TarEntryType.HARDLINK
            ? m.get("hard").entry()
            : m.get("file.txt").entry();
    assertEquals(TarEntryType.HARDLINK, h.type());
    assertTrue(h.linkTarget().equals("file.txt") || h.linkTarget().equals("hard"), h.linkTarget());
    assertEquals(TarEntryType.FIFO, m.get("fifo").entry().type());
    assertTrue(
        m.get("file.txt").entry().paxExtras().keySet().stream().noneMatch(k -> k.endsWith("time")));
  }

  @Test
  void readsGnuTarPaxFormat(@TempDir Path dir) throws Exception {
    check(dir, "pax");
  }

  @Test
  void readsGnuTarGnuFormat(@TempDir Path dir) throws Exception {
    check(dir, "gnu");
  }

  @Test
  void readsGnuTarUstarAndV7(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("s");
    Files.createDirectories(src.resolve("d"));
    Files.writeString(src.resolve("d/f"), "x");
    for (String format : new String[] {"ustar", "v7"}) {
      Path tar = dir.resolve(format + ".tar");
      Proc.of("tar", "--format=" + format, "-cf", tar.toString(), "d").dir(src).timeout(30).check();
      Map<String, RawTar.Item> m = byPath(readAll(Files.readAllBytes(tar)));
      assertEquals(TarEntryType.DIRECTORY, m.get("d").entry().type(), format);
      assertArrayEquals(new byte[] {'x'}, m.get("d/f").content(), format);
    }
  }

  private static Path sparseFile(Path dir) throws Exception {
    Path src = dir.resolve("sp");
    Files.createDirectories(src);
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse.bin").toFile(), "rw")) {
      f.setLength(4 << 20);
      f.seek(1 << 20);
      f.write("data in the middle".getBytes(StandardCharsets.UTF_8));
      f.seek((4 << 20) - 3);
      f.write(new byte[] {1, 2, 3});
    }
    return src;
  }

  @Test
  void paxSparse10PassesThroughVerbatim(@TempDir Path dir) throws Exception {
    Path src = sparseFile(dir);
    Path tar = dir.resolve("sparse.tar");
    Proc.of(
            "tar",
            "--format=pax",
            "--sparse",
            "--sparse-version=1.0",
            "-cf",
            tar.toString(),
            "sparse.bin")
        .dir(src)
        .timeout(30)
        .check();
    List<RawTar.Item> items = readAll(Files.readAllBytes(tar));
    assertEquals(1, items.size());
    TarEntry e = items.get(0).entry();
    assertEquals("sparse.bin", e.path());
    assertEquals("1", new String(e.paxExtras().get("GNU.sparse.major"), StandardCharsets.US_ASCII));
    assertTrue(e.size() < 1 << 20, "stored size should be the compact data: " + e.size());

    // Rewrite with our writer and let GNU tar extract it: the file must come back whole.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    w.putEntry(e);
    w.write(items.get(0).content(), 0, items.get(0).content().length);
    w.finish();
    Path re = dir.resolve("re.tar");
    Files.write(re, out.toByteArray());
    Path x = dir.resolve("x");
    Files.createDirectories(x);
    Proc.of("tar", "-xf", re.toString()).dir(x).timeout(30).check();
    assertArrayEquals(
        Files.readAllBytes(src.resolve("sparse.bin")), Files.readAllBytes(x.resolve("sparse.bin")));
  }

  @Test
  void oldSparseFormatsRejected(@TempDir Path dir) throws Exception {
    Path src = sparseFile(dir);
    String[][] variants = {
      {"--format=gnu", "--sparse"},
      {"--format=pax", "--sparse", "--sparse-version=0.1"},
      {"--format=pax", "--sparse", "--sparse-version=0.0"},
    };
    for (String[] v : variants) {
      Path tar = dir.resolve("old.tar");
      String[] cmd = new String[v.length + 4];
      cmd[0] = "tar";
      System.arraycopy(v, 0, cmd, 1, v.length);
      cmd[v.length + 1] = "-cf";
      cmd[v.length + 2] = tar.toString();
      cmd[v.length + 3] = "sparse.bin";
      Proc.of(cmd).dir(src).timeout(30).check();
      ImageException e = assertThrows(ImageException.class, () -> readAll(Files.readAllBytes(tar)));
      assertTrue(
          e.getMessage().contains("GNU sparse format 0.x/old is not supported"), e.getMessage());
      assertTrue(e.getMessage().contains("sparse.bin"), e.getMessage());
    }
  }
}
