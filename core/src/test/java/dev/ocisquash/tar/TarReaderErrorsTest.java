package dev.ocisquash.tar;

import static dev.ocisquash.testing.RawTar.concat;
import static dev.ocisquash.testing.RawTar.end;
import static dev.ocisquash.testing.RawTar.header;
import static dev.ocisquash.testing.RawTar.padded;
import static dev.ocisquash.testing.RawTar.paxHeader;
import static dev.ocisquash.testing.RawTar.paxRecord;
import static dev.ocisquash.testing.RawTar.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderErrorsTest {
  private static final String CTX = "img.tar: layer 2 (sha256:abcd)";

  private static ImageException fails(byte[] tar) {
    return assertThrows(ImageException.class, () -> readAll(tar));
  }

  private static byte[] file(String name, byte[] content) {
    return concat(header(name, '0', content.length), padded(content));
  }

  @Test
  void truncatedHeader() {
    byte[] tar = concat(file("a", new byte[10]), end());
    ImageException e = fails(Arrays.copyOf(tar, 1024 + 300));
    assertTrue(e.getMessage().contains("truncated tar stream"), e.getMessage());
    e = fails(Arrays.copyOf(tar, 300));
    assertTrue(e.getMessage().contains("truncated tar stream"), e.getMessage());
  }

  @Test
  void truncatedContentWhenReading() throws Exception {
    byte[] tar = Arrays.copyOf(file("dir/a", new byte[10]), 512 + 5);
    TarReader r = new TarReader(new ByteArrayInputStream(tar), CTX);
    r.next();
    ImageException e = assertThrows(ImageException.class, () -> r.content().readAllBytes());
    assertEquals(
        CTX + ": entry 'dir/a': truncated tar stream (entry content ends early)", e.getMessage());
  }

  @Test
  void truncatedContentWhenSkipping(@TempDir Path dir) throws Exception {
    byte[] tar = Arrays.copyOf(file("big", new byte[500_000]), 512 + 300_000);
    ImageException e = fails(tar);
    assertTrue(e.getMessage().contains("entry 'big': truncated tar stream"), e.getMessage());
    // FileInputStream.skip happily skips past EOF; the reader must still notice.
    Path f = dir.resolve("t.tar");
    Files.write(f, tar);
    try (InputStream in = new FileInputStream(f.toFile())) {
      assertThrows(ImageException.class, () -> readAll(in));
    }
    // Truncation exactly at the end of the content, without padding: also truncated.
    byte[] tar2 = Arrays.copyOf(file("c", new byte[10]), 512 + 10);
    assertTrue(fails(tar2).getMessage().contains("truncated"));
  }

  @Test
  void badChecksum() {
    byte[] tar = concat(file("abc", new byte[1]), end());
    tar[0] = 'x';
    ImageException e = fails(tar);
    assertTrue(e.getMessage().endsWith("malformed tar header: bad checksum"), e.getMessage());
  }

  @Test
  void signedChecksumAccepted() throws Exception {
    byte[] name = {'n', (byte) 0xe9};
    byte[] h = header(name, '0', 0);
    long signed = 0;
    Arrays.fill(h, 148, 156, (byte) ' ');
    for (byte b : h) {
      signed += b;
    }
    String s = String.format("%06o", signed);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    List<RawTar.Item> items = readAll(concat(h, end()));
    assertArrayEquals(name, items.get(0).entry().pathBytes());
  }

  @Test
  void pathTraversalRejected() {
    for (String bad : new String[] {"a/../b", "../x", "..", "x/.."}) {
      ImageException e = fails(concat(file(bad, new byte[0]), end()));
      assertTrue(e.getMessage().contains("path traversal"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    byte[] link = header("l", '1', 0);
    System.arraycopy("../etc/shadow".getBytes(StandardCharsets.US_ASCII), 0, link, 157, 13);
    RawTar.checksum(link);
    assertTrue(fails(concat(link, end())).getMessage().contains("path traversal"));
  }

  @Test
  void namesAreNormalised() throws Exception {
    byte[] hl = header("./x/hard", '1', 0);
    System.arraycopy("/.//etc/./passwd".getBytes(StandardCharsets.US_ASCII), 0, hl, 157, 16);
    RawTar.checksum(hl);
    byte[] sl = header("sym", '2', 0);
    System.arraycopy("./a//b/".getBytes(StandardCharsets.US_ASCII), 0, sl, 157, 7);
    RawTar.checksum(sl);
    byte[] tar =
        concat(
            header("./", '5', 0),
            header("/", '5', 0),
            file("/abs//x/./y", new byte[0]),
            file("./././z/", new byte[0]), // regular typeflag + trailing slash = directory
            header("dir//", '5', 0),
            hl,
            sl,
            end());
    List<RawTar.Item> items = readAll(tar);
    assertEquals("", items.get(0).entry().path());
    assertEquals(TarEntryType.DIRECTORY, items.get(0).entry().type());
    assertEquals("", items.get(1).entry().path());
    assertEquals("abs/x/y", items.get(2).entry().path());
    assertEquals("z", items.get(3).entry().path());
    assertEquals(TarEntryType.DIRECTORY, items.get(3).entry().type());
    assertEquals("dir", items.get(4).entry().path());
    assertEquals("x/hard", items.get(5).entry().path());
    assertEquals("etc/passwd", items.get(5).entry().linkTarget());
    assertEquals("./a//b/", items.get(6).entry().linkTarget());
  }

  @Test
  void base256Numbers() throws Exception {
    byte[] h = header("f", '0', 0);
    Arrays.fill(h, 108, 116, (byte) 0);
    h[108] = (byte) 0x80;
    long uid = 5_000_000_000L;
    for (int i = 0; i < 7; i++) {
      h[115 - i] = (byte) (uid >>> (8 * i));
    }
    // mtime -100 in base-256 (two's complement with the 0xff marker)
    long mt = -100;
    for (int i = 0; i < 12; i++) {
      h[147 - i] = (byte) (mt >>> (8 * Math.min(i, 7)));
    }
    h[136] = (byte) 0xff;
    RawTar.checksum(h);
    TarEntry e = readAll(concat(h, end())).get(0).entry();
    assertEquals(uid, e.uid());
    assertEquals(-100, e.mtimeSeconds());

    byte[] neg = header("f", '0', 0);
    Arrays.fill(neg, 124, 136, (byte) 0xff); // size -1
    RawTar.checksum(neg);
    assertTrue(fails(concat(neg, end())).getMessage().contains("negative size"));

    byte[] huge = header("f", '0', 0);
    Arrays.fill(huge, 124, 136, (byte) 0x7f);
    huge[124] = (byte) 0x80; // 2^88-ish: larger than Long.MAX_VALUE
    RawTar.checksum(huge);
    assertTrue(fails(concat(huge, end())).getMessage().contains("too large"));

    byte[] junk = header("f", '0', 0);
    junk[101] = '9';
    RawTar.checksum(junk);
    assertTrue(fails(concat(junk, end())).getMessage().contains("mode"));
  }

  @Test
  void hugePaxRejectedBeforeReading() {
    byte[] tar = concat(header("PaxHeaders/x", 'x', 2L << 20), new byte[4096]);
    ImageException e = fails(tar);
    assertTrue(e.getMessage().contains("PAX header too large"), e.getMessage());
    byte[] gnu = concat(header("././@LongLink", 'L', 5L << 20), new byte[4096]);
    assertTrue(fails(gnu).getMessage().contains("too large"));
  }

  @Test
  void malformedPax() {
    for (String rec :
        new String[] {"99 path=x\n", "5 path=x\n", "x path=y\n", "12 path=abc ", "6 =abc\n"}) {
      byte[] data = rec.getBytes(StandardCharsets.US_ASCII);
      byte[] tar =
          concat(header("P", 'x', data.length), padded(data), file("f", new byte[0]), end());
      ImageException e = fails(tar);
      assertTrue(e.getMessage().contains("malformed PAX record"), rec + ": " + e.getMessage());
    }
  }

  @Test
  void unsupportedTypes() {
    assertTrue(
        fails(concat(header("v", 'V', 0), end()))
            .getMessage()
            .contains("unsupported tar entry type 'V'"));
    assertTrue(
        fails(concat(header("s", 'S', 0), end()))
            .getMessage()
            .contains("GNU sparse format 0.x/old"));
    byte[] sparse01 =
        paxHeader('x', paxRecord("GNU.sparse.size", "100"), paxRecord("GNU.sparse.map", "0,10"));
    assertTrue(
        fails(concat(sparse01, file("f", new byte[10]), end()))
            .getMessage()
            .contains("not supported"));
  }

  @Test
  void paxSemantics() throws Exception {
    byte[] weird = {'w', (byte) 0xff, '\n', 0, 'z'};
    byte[] tar =
        concat(
            paxHeader('g', paxRecord("uname", "globaluser"), paxRecord("SCHILY.xattr.user.g", "1")),
            paxHeader(
                'x',
                paxRecord("path", weird),
                paxRecord("mtime", "-1.5"),
                paxRecord("atime", "123.4"),
                paxRecord("ctime", "123.4"),
                paxRecord("size", "3"),
                paxRecord("uid", "4000000000"),
                paxRecord(
                    "LIBARCHIVE.xattr.user.a%3Db",
                    Base64.getEncoder().withoutPadding().encodeToString(new byte[] {0, 1, 2})),
                paxRecord("SCHILY.xattr.security.capability", TarRoundTripTest.CAPABILITY),
                paxRecord("Unknown.key", "v")),
            file("ignored-name", new byte[] {7, 8, 9}),
            paxHeader('x', paxRecord("uname", ""), paxRecord("mtime", "17.25")),
            file("second", new byte[0]),
            end());
    List<RawTar.Item> items = readAll(tar);
    TarEntry a = items.get(0).entry();
    assertArrayEquals(weird, a.pathBytes());
    assertEquals(-2, a.mtimeSeconds());
    assertEquals(500_000_000, a.mtimeNanos());
    assertEquals(3, a.size());
    assertArrayEquals(new byte[] {7, 8, 9}, items.get(0).content());
    assertEquals(4_000_000_000L, a.uid());
    assertEquals("globaluser", a.userName());
    assertArrayEquals(new byte[] {0, 1, 2}, a.xattrs().get("user.a=b"));
    assertArrayEquals(TarRoundTripTest.CAPABILITY, a.xattrs().get("security.capability"));
    assertArrayEquals(new byte[] {'1'}, a.xattrs().get("user.g"));
    assertEquals(
        List.of(
            "SCHILY.xattr.security.capability",
            "SCHILY.xattr.user.a=b",
            "SCHILY.xattr.user.g",
            "Unknown.key"),
        List.copyOf(a.paxExtras().keySet()));
    TarEntry b = items.get(1).entry();
    assertEquals("second", b.path());
    assertEquals("", b.userName()); // empty local value deletes the global one
    assertEquals(17, b.mtimeSeconds());
    assertEquals(250_000_000, b.mtimeNanos());
    assertEquals(List.of("SCHILY.xattr.user.g"), List.copyOf(b.paxExtras().keySet()));
  }
}
