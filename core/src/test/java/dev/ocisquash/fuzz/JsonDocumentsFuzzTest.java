package dev.ocisquash.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzzes the JSON documents: a docker {@code manifest.json}, an OCI {@code index.json} or an image
 * config, each placed in an otherwise valid layout directory. Any document must be accepted or
 * refused with an {@link IOException}; never a NullPointerException, ClassCastException or
 * NumberFormatException from a missing or mistyped field.
 */
class JsonDocumentsFuzzTest {
  private static final byte[] LAYOUT =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  @FuzzTest(maxDuration = "60s")
  void parseDocuments(FuzzedDataProvider data) throws Exception {
    int kind = data.consumeInt(0, 2);
    byte[] doc = data.consumeRemainingAsBytes();
    Path dir = Files.createTempDirectory("ocisquash-fuzz-");
    try {
      Map<String, byte[]> files = new LinkedHashMap<>();
      switch (kind) {
        case 0:
          files.put("manifest.json", doc);
          files.put(
              "config.json",
              "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                  .getBytes(StandardCharsets.UTF_8));
          break;
        case 1:
          files.put("oci-layout", LAYOUT);
          files.put("index.json", doc);
          break;
        default:
          byte[] layer = FuzzSupport.tar(Map.of("a", new byte[] {1}));
          files.put(
              "manifest.json",
              "[{\"Config\":\"config.json\",\"Layers\":[\"l.tar\"]}]"
                  .getBytes(StandardCharsets.UTF_8));
          files.put("config.json", doc);
          files.put("l.tar", layer);
          break;
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Files.write(dir.resolve(f.getKey()), f.getValue());
      }
      try (SourceImage image = ImageArchives.open(dir, ImageSelector.any())) {
        image.config();
        image.manifest();
        image.names();
        for (SourceLayer l : image.layers()) {
          l.label();
          l.diffId();
        }
      } catch (IOException expected) {
        // refused with a message
      }
    } finally {
      FuzzSupport.deleteTree(dir);
    }
  }
}
