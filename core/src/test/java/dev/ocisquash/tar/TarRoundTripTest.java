package dev.ocisquash.tar;

import static dev.ocisquash.testing.RawTar.readAll;
import static dev.ocisquash.testing.RawTar.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarRoundTripTest {
  static final byte[] CAPABILITY = {
    1, 0, 0, 2, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, (byte) 0xff, 0x3d
  };

  private final List<TarEntry> entries = new ArrayList<>();
  private final List<byte[]> contents = new ArrayList<>();

  private void add(TarEntry.Builder b, byte[] content) {
    if (content != null) {
      b.size(content.length);
    }
    entries.add(b.build());
    contents.add(content);
  }

  private static String repeat(String s, int n) {
    return s.repeat(n);
  }

  private void buildSample() {
    byte[] big = new byte[200_000];
    new Random(42).nextBytes(big);
    add(TarEntry.builder(TarEntryType.DIRECTORY, "").mode(0755).mtime(1_700_000_000L, 0), null);
    add(TarEntry.builder(TarEntryType.DIRECTORY, "etc").mode(0755).mtime(1_700_000_000L, 0), null);
    add(
        TarEntry.builder(TarEntryType.REGULAR, "etc/passwd")
            .mode(0644)
            .userName("root")
            .groupName("root"),
        "root:x:0:0::/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8));
    add(TarEntry.builder(TarEntryType.REGULAR, "usr/bin/su").mode(04755), big);
    add(TarEntry.builder(TarEntryType.REGULAR, "usr/bin/wall").mode(02755).gid(5), new byte[0]);
    add(TarEntry.builder(TarEntryType.DIRECTORY, "tmp").mode(01777), null);
    add(TarEntry.builder(TarEntryType.SYMLINK, "bin").linkTarget("usr/bin").mode(0777), null);
    add(
        TarEntry.builder(TarEntryType.SYMLINK, "lnk")
            .linkTarget("../" + repeat("t/", 75))
            .mode(0777),
        null);
    add(
        TarEntry.builder(TarEntryType.HARDLINK, "usr/bin/su2").linkTarget("usr/bin/su").mode(04755),
        null);
    add(
        TarEntry.builder(TarEntryType.HARDLINK, "usr/bin/su3")
            .linkTarget(repeat("h", 99) + "/" + repeat("l", 50)),
        null);
    add(TarEntry.builder(TarEntryType.CHAR_DEVICE, "dev/null").mode(0666).device(1, 3), null);
    add(TarEntry.builder(TarEntryType.BLOCK_DEVICE, "dev/sda").mode(0660).device(8, 1048575), null);
    add(TarEntry.builder(TarEntryType.FIFO, "run/fifo").mode(0600), null);
    add(
        TarEntry.builder(TarEntryType.REGULAR, "bigid").uid(3_000_000).gid(3_000_001),
        new byte[] {1});
    // 150 bytes with a slash: fits the ustar prefix split.
    add(
        TarEntry.builder(TarEntryType.REGULAR, repeat("a", 70) + "/" + repeat("b", 79)),
        new byte[] {2});
    // 150 bytes without a slash, and 300 bytes: need PAX path.
    add(TarEntry.builder(TarEntryType.REGULAR, repeat("c", 150)), new byte[] {3});
    add(TarEntry.builder(TarEntryType.DIRECTORY, repeat("d", 99) + "/" + repeat("e", 200)), null);
    add(
        TarEntry.builder(
            TarEntryType.REGULAR, new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe}),
        null);
    add(
        TarEntry.builder(TarEntryType.REGULAR, new byte[] {'l', '/', (byte) 0xff, (byte) 0xfe})
            .mtime(5, 0)
            .xattr("user.k", new byte[] {(byte) 0xc3}),
        new byte[0]);
    add(TarEntry.builder(TarEntryType.REGULAR, "données/日本語.txt").userName("ユーザー"), new byte[10]);
    add(TarEntry.builder(TarEntryType.REGULAR, "old").mtime(-2, 500_000_000), new byte[0]);
    add(TarEntry.builder(TarEntryType.REGULAR, "older").mtime(-86400L * 365 * 10, 0), new byte[0]);
    add(TarEntry.builder(TarEntryType.REGULAR, "y2100").mtime(4_102_444_800L, 0), new byte[0]);
    add(
        TarEntry.builder(TarEntryType.REGULAR, "y2300").mtime(10_413_792_000L, 123_000_000),
        new byte[0]);
    add(
        TarEntry.builder(TarEntryType.REGULAR, "usr/bin/ping")
            .mode(0755)
            .xattr("security.capability", CAPABILITY)
            .xattr("user.empty", new byte[0])
            .paxExtra("VENDOR.custom", "x\ny".getBytes(StandardCharsets.UTF_8)),
        "ping".getBytes(StandardCharsets.UTF_8));
    add(
        TarEntry.builder(TarEntryType.REGULAR, "longuser")
            .userName(repeat("u", 40))
            .groupName(repeat("g", 33)),
        new byte[0]);
  }

  @Test
  void roundTripPreservesEveryField() throws Exception {
    buildSample();
    byte[] tar = write(entries, contents);
    assertEquals(0, tar.length % 512);
    List<RawTar.Item> items = readAll(tar);
    assertEquals(entries.size(), items.size());
    for (int i = 0; i < entries.size(); i++) {
      assertEquals(entries.get(i), items.get(i).entry(), "entry " + i + " " + entries.get(i));
      byte[] want = contents.get(i) == null ? new byte[0] : contents.get(i);
      assertArrayEquals(want, items.get(i).content(), "content of " + entries.get(i));
    }
    // a second write is byte-identical
    assertArrayEquals(tar, write(entries, contents));
    // and a rewrite of what was read is too
    List<TarEntry> reread = new ArrayList<>();
    List<byte[]> recontent = new ArrayList<>();
    for (RawTar.Item it : items) {
      reread.add(it.entry());
      recontent.add(it.content());
    }
    assertArrayEquals(tar, write(reread, recontent));
  }

  @Test
  void paxRecordsAreSortedAndNoTimesButMtime() throws Exception {
    add(
        TarEntry.builder(TarEntryType.REGULAR, "f")
            .uid(3_000_000)
            .mtime(1, 5)
            .xattr("b", new byte[] {1})
            .xattr("a", new byte[] {2})
            .paxExtra("ZZZ", new byte[] {3}),
        new byte[0]);
    byte[] tar = write(entries, contents);
    String pax = new String(tar, 512, 512, StandardCharsets.ISO_8859_1);
    assertEquals('x', tar[156]);
    String[] keys = {"SCHILY.xattr.a", "SCHILY.xattr.b", "ZZZ", "mtime", "uid"};
    int last = -1;
    for (String k : keys) {
      int at = pax.indexOf(" " + k + "=");
      assertTrue(at > last, k + " out of order in " + pax);
      last = at;
    }
    assertTrue(pax.contains(" mtime=1.000000005\n"));
    assertTrue(!pax.contains("atime") && !pax.contains("ctime"));
    assertEquals("PaxHeaders/f", new String(tar, 0, 12, StandardCharsets.US_ASCII));
  }

  @Test
  void paxTimeFormatting() {
    assertEquals("-1.5", TarWriter.formatPaxTime(-2, 500_000_000));
    assertEquals("-0.000000001", TarWriter.formatPaxTime(-1, 999_999_999));
    assertEquals("-3", TarWriter.formatPaxTime(-3, 0));
    assertEquals("12.25", TarWriter.formatPaxTime(12, 250_000_000));
  }

  @Test
  void writerEnforcesDeclaredSize() throws Exception {
    TarWriter w = new TarWriter(new ByteArrayOutputStream());
    w.putEntry(TarEntry.builder(TarEntryType.REGULAR, "f").size(3).build());
    w.write(new byte[2], 0, 2);
    assertThrows(IllegalStateException.class, () -> w.write(new byte[2], 0, 2));
    assertThrows(IllegalStateException.class, w::closeEntry);
    w.contentStream().write(7);
    w.closeEntry();
    w.finish();
    assertEquals(512 + 512 + 1024, w.bytesWritten());
  }

  @Test
  void commonsCompressReadsOurOutput() throws Exception {
    buildSample();
    byte[] tar = write(entries, contents);
    int i = 0;
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
      TarArchiveEntry ce;
      while ((ce = in.getNextEntry()) != null) {
        TarEntry e = entries.get(i++);
        String name = e.path().isEmpty() ? "./" : e.isDirectory() ? e.path() + "/" : e.path();
        if (PathNames.display(e.path())
            .equals(e.path())) { // commons-compress reads invalid UTF-8 leniently
          assertEquals(name, ce.getName());
        }
        assertEquals(e.size(), ce.getSize(), name);
        assertEquals(e.mode(), ce.getMode() & 07777, name);
        assertEquals(e.uid(), ce.getLongUserId(), name);
        assertEquals(e.gid(), ce.getLongGroupId(), name);
        assertEquals(e.isDirectory(), ce.isDirectory(), name);
        assertEquals(e.type() == TarEntryType.SYMLINK, ce.isSymbolicLink(), name);
        assertEquals(e.type() == TarEntryType.HARDLINK, ce.isLink(), name);
        assertEquals(e.type() == TarEntryType.FIFO, ce.isFIFO(), name);
        if (e.type() == TarEntryType.BLOCK_DEVICE) {
          assertTrue(ce.isBlockDevice());
          assertEquals(e.devMajor(), ce.getDevMajor());
          assertEquals(e.devMinor(), ce.getDevMinor());
        }
        if ((e.type() == TarEntryType.SYMLINK || e.type() == TarEntryType.HARDLINK)
            && PathNames.display(e.linkTarget()).equals(e.linkTarget())) {
          assertEquals(e.linkTarget(), ce.getLinkName(), name);
        }
        if (!e.userName().isEmpty()) {
          assertEquals(e.userName(), ce.getUserName(), name);
        }
        if (e.mtimeNanos() == 0) {
          assertEquals(e.mtimeSeconds() * 1000, ce.getLastModifiedTime().toMillis(), name);
        }
        assertArrayEquals(
            contents.get(i - 1) == null ? new byte[0] : contents.get(i - 1), in.readAllBytes());
      }
    }
    assertEquals(entries.size(), i);
  }

  @Test
  void gnuTarListsOurOutput(@TempDir Path dir) throws Exception {
    buildSample();
    Path file = dir.resolve("out.tar");
    Files.write(file, write(entries, contents));
    // Literal quoting: in the POSIX locale (no LANG) GNU tar's default style escapes the non-ASCII
    // bytes of a name
    // (donn\303\251es); literal prints the name's bytes as they are in the archive, in any locale.
    String listing =
        Proc.of("tar", "--numeric-owner", "--quoting-style=literal", "-tvf", file.toString())
            .dir(dir)
            .timeout(30)
            .check();
    long lines = listing.lines().filter(l -> !l.startsWith("tar: ")).count();
    assertEquals(entries.size(), lines, listing);
    assertTrue(listing.contains("unknown extended header keyword 'VENDOR.custom'"), listing);
    assertTrue(listing.contains("3000000/3000001"), listing);
    assertTrue(listing.contains("-rwsr-xr-x"), listing);
    assertTrue(listing.contains("drwxrwxrwt"), listing);
    assertTrue(listing.contains("prw-------"), listing);
    assertTrue(listing.contains("crw-rw-rw-"), listing);
    assertTrue(listing.contains("bin -> usr/bin"), listing);
    assertTrue(listing.contains("usr/bin/su2 link to usr/bin/su"), listing);
    assertTrue(listing.contains("2100-01-01"), listing);
    assertTrue(listing.contains(repeat("d", 99) + "/" + repeat("e", 200) + "/"), listing);
    assertTrue(listing.contains("données/日本語.txt"), listing);
  }

  @Test
  void readerEndsLeniently() throws Exception {
    add(TarEntry.builder(TarEntryType.REGULAR, "a"), new byte[] {1, 2, 3});
    byte[] tar = write(entries, contents);
    for (int cut : new int[] {tar.length, tar.length - 512, tar.length - 1024}) {
      TarReader r = new TarReader(new ByteArrayInputStream(tar, 0, cut), null);
      assertNotNull(r.next());
      assertArrayEquals(new byte[] {1, 2, 3}, r.content().readAllBytes());
      assertEquals(-1, r.content().read());
      assertNull(r.next());
      assertNull(r.next());
    }
  }

  @Test
  void nextSkipsUnreadContent() throws Exception {
    byte[] big = new byte[300_000];
    new Random(1).nextBytes(big);
    add(TarEntry.builder(TarEntryType.REGULAR, "big"), big);
    add(TarEntry.builder(TarEntryType.REGULAR, "small"), new byte[] {9});
    byte[] tar = write(entries, contents);
    TarReader r = new TarReader(new ByteArrayInputStream(tar), null);
    assertEquals("big", r.next().path());
    assertEquals(big[0] & 0xff, r.content().read());
    assertEquals(1000, r.content().skip(1000));
    assertEquals(big[1001] & 0xff, r.content().read());
    assertEquals("small", r.next().path());
    assertArrayEquals(new byte[] {9}, r.content().readAllBytes());
    assertNull(r.next());
    assertEquals(2, r.entryCount());
  }
}
