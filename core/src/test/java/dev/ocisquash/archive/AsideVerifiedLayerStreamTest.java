package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.testing.RawTar;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uncompressed layers: bytes straight from the blob, verification on a second read beside the
 * caller.
 */
class AsideVerifiedLayerStreamTest {
  @TempDir Path dir;

  /**
   * Writes an OCI layout whose one uncompressed layer holds {@code layerTar}, declaring {@code
   * diffId}.
   */
  private Path image(byte[] layerTar, Digest diffId) throws Exception {
    Path blob = dir.resolve("layer.blob");
    Files.write(blob, layerTar);
    OutputLayer l =
        OutputLayer.ofFile(
            blob,
            Digest.parse(Fixtures.sha256(layerTar)),
            diffId,
            layerTar.length,
            Compression.NONE.ociLayerMediaType());
    Path out = dir.resolve("img");
    ImageWriter.write(
        out,
        OutputFormat.OCI_DIR,
        ImageWriterTest.config(diffId),
        null,
        List.of(l),
        List.of("x:1"));
    return out;
  }

  private static byte[] layerTar() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    Random r = new Random(3);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[r.nextInt(20_000)];
      r.nextBytes(b);
      files.put("d/f" + i, new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return RawTar.files(files);
  }

  @Test
  void streamsTheBlobAndVerifiesItAtTheEnd() throws Exception {
    byte[] tar = layerTar();
    Path img = image(tar, Digest.parse(Fixtures.sha256(tar)));
    try (SourceImage s = ImageArchives.open(img, ImageSelector.any());
        LayerStream in = s.layers().get(0).open()) {
      assertInstanceOf(AsideVerifiedLayerStream.class, in);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got);
      in.finish();
      assertArrayEquals(tar, got.toByteArray());
    }
  }

  @Test
  void aWrongDiffIdFailsAtTheEndOfTheStream() throws Exception {
    byte[] tar = layerTar();
    Path img =
        image(
            tar, Digest.parse(Fixtures.sha256("something else".getBytes(StandardCharsets.UTF_8))));
    try (SourceImage s = ImageArchives.open(img, ImageSelector.any());
        LayerStream in = s.layers().get(0).open()) {
      byte[] first = in.readNBytes(tar.length); // every byte arrives; the verdict comes at the end
      assertArrayEquals(tar, first);
      ImageException e = assertThrows(ImageException.class, () -> in.read());
      assertTrue(e.getMessage().contains("diff_id mismatch"), e.getMessage());
    }
  }

  @Test
  void closingEarlyLeavesNoVerifierRunning() throws Exception {
    byte[] tar = layerTar();
    Path img = image(tar, Digest.parse(Fixtures.sha256(tar)));
    try (SourceImage s = ImageArchives.open(img, ImageSelector.any())) {
      LayerStream in = s.layers().get(0).open();
      in.readNBytes(1000);
      in.close();
      for (int i = 0; i < 100 && verifierAlive(); i++) {
        Thread.sleep(20);
      }
      assertFalse(verifierAlive(), "verifier thread still running after close");
    }
  }

  private static boolean verifierAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("ocisquash-verify") && t.isAlive());
  }
}
