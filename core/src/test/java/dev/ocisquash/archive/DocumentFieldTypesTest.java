package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.testing.RawTar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A field of an image document with the wrong type is refused in one line naming the layout, the
 * document and the field, through the typed views the readers use.
 */
class DocumentFieldTypesTest {
  @TempDir Path tmp;

  /**
   * A one-layer OCI layout whose layer descriptor {@code edit} changes before the manifest is
   * stored.
   */
  private Path layout(String name, Consumer<ObjectNode> editLayer, String config) throws Exception {
    LayoutDir l = new LayoutDir(tmp.resolve(name));
    ObjectNode layerDesc = l.blob(MediaTypes.OCI_LAYER, RawTar.files(Map.of("f", "x\n")));
    String cfg =
        config != null
            ? config
            : "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDesc.get("digest").asText()
                + "\"]}}";
    ObjectNode cfgDesc = l.blob(MediaTypes.OCI_CONFIG, cfg);
    editLayer.accept(layerDesc);
    l.list(l.manifest(cfgDesc, layerDesc), "v1");
    return l.write();
  }

  private static String refusal(Path dir) {
    ImageException e =
        assertThrows(ImageException.class, () -> ImageArchives.open(dir, ImageSelector.any()));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aWellTypedLayoutOpens() throws Exception {
    Path dir = layout("ok", d -> {}, null);
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
      assertEquals(1, img.layers().size());
    }
  }

  @Test
  void aMediaTypeThatIsNotAStringIsRefused() throws Exception {
    String m = refusal(layout("mt", d -> d.put("mediaType", 5), null));
    assertTrue(
        m.contains(": manifest: descriptor sha256:")
            && m.endsWith("has a mediaType that is not a string"),
        m);
  }

  @Test
  void aNullMediaTypeIsAbsentAsBefore() throws Exception {
    Path dir = layout("mtnull", d -> d.putNull("mediaType"), null);
    try (SourceImage img = ImageArchives.open(dir, ImageSelector.any())) {
      assertEquals(1, img.layers().size());
    }
  }

  @Test
  void aSizeThatIsNotANumberIsRefused() throws Exception {
    String m = refusal(layout("size", d -> d.put("size", "12"), null));
    assertTrue(m.endsWith("has no valid size"), m);
  }

  @Test
  void aDigestThatIsNotAStringIsRefused() throws Exception {
    String m = refusal(layout("digest", d -> d.put("digest", 12), null));
    assertTrue(m.endsWith(": manifest: descriptor without digest"), m);
  }

  @Test
  void diffIdsThatAreNotAnArrayAreRefused() throws Exception {
    String m =
        refusal(
            layout(
                "diffids",
                d -> {},
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":\"sha256:x\"}}"));
    assertTrue(m.endsWith(": config has no rootfs.diff_ids"), m);
  }

  @Test
  void aDockerManifestConfigThatIsNotAStringIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("docker"));
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":7,\"Layers\":[]}]");
    String m = refusal(dir);
    assertTrue(m.endsWith("manifest.json[0]: missing 'Config'"), m);
  }
}
