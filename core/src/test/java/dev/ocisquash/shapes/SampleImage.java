package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.testing.RawTar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real image every shape carries: testdata/sample/busybox-sample.tar (three layers, a whiteout
 * in the third, a Docker image config), read once. Each writer stores these same layers and config
 * in its own way, so every shape must read back to the same diff_ids and config, and squash to the
 * same tree.
 */
@SuppressWarnings("ArrayRecordComponent") // test fixture; never compared
public record SampleImage(
    byte[] config, List<byte[]> layers, List<byte[]> gzipLayers, List<String> diffIds) {
  /**
   * The sample in {@code testdata}; {@code testdata} is {@code ../testdata} from a module, or
   * {@code testdata}.
   */
  public static Path path() {
    return dev.ocisquash.testing.TestData.sample();
  }

  public static SampleImage load() throws IOException {
    Map<String, byte[]> files;
    try (InputStream in = Files.newInputStream(path())) {
      files = RawTar.read(in);
    }
    JsonNode entry = Blobs.parse(files.get("manifest.json")).get(0);
    byte[] config = files.get(entry.get("Config").asText());
    List<byte[]> layers = new ArrayList<>();
    List<byte[]> gz = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (JsonNode l : entry.get("Layers")) {
      byte[] b = files.get(l.asText());
      layers.add(b);
      gz.add(Blobs.gzip(b));
      diffIds.add(Blobs.digest(b));
    }
    return new SampleImage(config, List.copyOf(layers), List.copyOf(gz), List.copyOf(diffIds));
  }

  /** The same config for another architecture (the second platform of a multi-platform index). */
  public byte[] configFor(String arch) {
    ObjectNode c = (ObjectNode) Blobs.parse(config);
    c.put("architecture", arch);
    return Blobs.go(c);
  }

  public String architecture() {
    return Blobs.parse(config).path("architecture").asText();
  }

  public String os() {
    return Blobs.parse(config).path("os").asText();
  }
}
