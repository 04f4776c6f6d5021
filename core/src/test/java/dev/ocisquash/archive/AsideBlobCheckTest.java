package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compressed layers of a layout or an archive: the blob's size and digest are taken on a second
 * read beside the decompressor ({@link AsideBlobCheck}), and every damage gets the message, word
 * for word, that a stream hashing the blob itself gives.
 */
class AsideBlobCheckTest {
  @TempDir Path dir;

  private byte[] tar;
  private Path blob;

  /**
   * Writes a layout whose one gzip layer holds random files, followed by {@code trailing} zero
   * bytes inside the blob (still part of its digest); the config declares {@code diffId}, or the
   * tar's own when null.
   */
  private void layout(int trailing, String diffId) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    Random r = new Random(7);
    for (int i = 0; i < 60; i++) {
      byte[] b = new byte[r.nextInt(30_000)];
      r.nextBytes(b);
      files.put("d/f" + i, new String(b, StandardCharsets.ISO_8859_1));
    }
    tar = RawTar.files(files);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(gz)) {
      o.write(tar);
    }
    byte[] blobBytes = Arrays.copyOf(gz.toByteArray(), gz.size() + trailing);
    LayoutDir l = new LayoutDir(dir.resolve("in"));
    ObjectNode layer = l.blob(MediaTypes.OCI_LAYER_GZIP, blobBytes);
    ObjectNode config = Json.object();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId == null ? Fixtures.sha256(tar) : diffId);
    ObjectNode cfg = l.blob(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
    l.list(l.manifest(cfg, layer), "t");
    l.write();
    blob = l.dir.resolve("blobs/sha256/" + layer.get("digest").asText().substring(7));
  }

  private void layout() throws Exception {
    layout(0, null);
  }

  /**
   * Reads the layer to its end and returns the error's message, or what it read: through {@link
   * ArchiveLayer#open()} (the blob checked aside) or through a stream that hashes the blob itself.
   */
  private String read(boolean aside) throws Exception {
    try (SourceImage s = ImageArchives.open(dir.resolve("in"), ImageSelector.any())) {
      ArchiveLayer layer = (ArchiveLayer) s.layers().get(0);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try (LayerStream in =
          aside
              ? layer.open()
              : new VerifyingLayerStream(layer, layer.openRaw(), Compression.GZIP)) {
        VerifyingLayerStream v = assertInstanceOf(VerifyingLayerStream.class, in);
        assertEquals(aside, v.checksBlobAside());
        in.transferTo(got);
        in.finish();
      } catch (ImageException e) {
        return e.getMessage();
      }
      assertArrayEquals(tar, got.toByteArray());
      return "read " + got.size() + " bytes";
    }
  }

  /** Both ways of reading agree, and the message contains {@code expected}. */
  private void bothSay(String expected) throws Exception {
    String inline = read(false);
    assertTrue(inline.contains(expected), inline);
    assertEquals(inline, read(true));
  }

  private void damage(long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5a);
    }
  }

  @Test
  void anIntactLayerReadsTheSameEitherWay() throws Exception {
    layout();
    assertEquals("read " + tar.length + " bytes", read(true));
    assertEquals(read(false), read(true));
  }

  @Test
  void aDamagedDeflateStreamIsReportedAsTheDigestMismatch() throws Exception {
    layout();
    damage(Files.size(blob) / 2);
    bothSay(": blob digest mismatch: manifest says sha256:" + blob.getFileName());
  }

  @Test
  void aDamagedByteAfterTheCompressedStreamIsADigestMismatch() throws Exception {
    layout(64, null);
    assertEquals("read " + tar.length + " bytes", read(true)); // the zeros belong to the blob
    damage(Files.size(blob) - 10);
    bothSay(": blob digest mismatch: manifest says sha256:" + blob.getFileName());
  }

  @Test
  void aBlobCutShortIsReportedTheSameWay() throws Exception {
    layout();
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.setLength(f.length() / 3);
    }
    bothSay(": blob digest mismatch: manifest says sha256:" + blob.getFileName());
  }

  @Test
  void aBlobThatGrewIsASizeMismatch() throws Exception {
    layout(64, null);
    long declared = Files.size(blob);
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.setLength(declared + 100); // zeros: the stream still decodes, the size no longer matches
    }
    bothSay(
        ": blob size mismatch: manifest says "
            + declared
            + " bytes, blob is "
            + (declared + 100)
            + " bytes");
  }

  @Test
  void aWrongDiffIdComesAfterTheBlobsChecks() throws Exception {
    layout(0, Fixtures.sha256("another tar".getBytes(StandardCharsets.UTF_8)));
    bothSay(": diff_id mismatch: config says sha256:");
  }

  @Test
  void closingEarlyStopsTheSecondRead() throws Exception {
    layout();
    try (SourceImage s = ImageArchives.open(dir.resolve("in"), ImageSelector.any())) {
      LayerStream in = s.layers().get(0).open();
      in.readNBytes(1000);
      in.close();
      for (int i = 0; i < 100 && verifierAlive(); i++) {
        Thread.sleep(20);
      }
      assertFalse(verifierAlive(), "the second read still runs after close");
    }
  }

  @Test
  void cancellingStopsTheSecondReadOfABlobThatNeverEnds() throws Exception {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 0;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return len; // zeros, for ever
          }
        };
    AsideBlobCheck check = new AsideBlobCheck(endless, "SHA-256", "endless");
    Thread.sleep(50);
    assertTrue(verifierAlive("endless"), "the second read ended by itself");
    check.cancel();
    InterruptedIOException e = assertThrows(InterruptedIOException.class, check::await);
    assertEquals("verification cancelled", e.getMessage());
    assertFalse(verifierAlive("endless"));
  }

  private static boolean verifierAlive() {
    return verifierAlive("");
  }

  private static boolean verifierAlive(String label) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("ocisquash-verify " + label) && t.isAlive());
  }
}
