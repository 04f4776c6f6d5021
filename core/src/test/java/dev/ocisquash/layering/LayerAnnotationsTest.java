package dev.ocisquash.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.layering.Component.Source;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Layer annotations written by a re-layered squash, and the prior placement read back from them.
 */
class LayerAnnotationsTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static ObjectNode manifest(List<Map<String, String>> annotations) {
    ObjectNode m = M.createObjectNode();
    ArrayNode layers = m.putArray("layers");
    for (Map<String, String> a : annotations) {
      ObjectNode l = layers.addObject();
      l.put("digest", "sha256:00");
      if (!a.isEmpty()) {
        ObjectNode an = l.putObject("annotations");
        a.forEach(an::put);
      }
    }
    return m;
  }

  @Test
  void groupsRoundTripThroughTheManifestWithCommasAndPercentsInIds() {
    Component odd = Component.of(Source.BIG_FILE, "/opt/a,b%2C.bin");
    Component ssl = Component.of(Source.DEB, "libssl3:amd64");
    Map<String, String> l0 = LayerAnnotations.of(0, 5, List.of(ssl, odd));
    assertEquals("0/5", l0.get(LayerAnnotations.SLOT));
    assertEquals("deb:libssl3:amd64,file:/opt/a%2Cb%252C.bin", l0.get(LayerAnnotations.GROUPS));
    Map<String, String> l4 = LayerAnnotations.of(4, 5, List.of(Component.METADATA));
    Prior p = LayerAnnotations.priorOf(manifest(List.of(Map.of(), l0, l4)));
    assertEquals(5, p.maxLayers());
    assertEquals(Map.of(ssl, 0, odd, 0, Component.METADATA, 4), p.slots());
  }

  @Test
  void anImageWithoutOurAnnotationsHasNoPrior() {
    assertNull(LayerAnnotations.priorOf(manifest(List.of(Map.of(), Map.of("other", "x")))));
  }

  @Test
  void malformedOrInconsistentAnnotationsAreRefusedNamingTheLayer() {
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LayerAnnotations.priorOf(manifest(List.of(Map.of(LayerAnnotations.SLOT, "x/4")))));
    assertEquals("layer 0: bad dev.ocisquash.layer.slot annotation 'x/4'", bad.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LayerAnnotations.priorOf(manifest(List.of(Map.of(LayerAnnotations.SLOT, "4/4")))));
    IllegalArgumentException mixed =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LayerAnnotations.priorOf(
                    manifest(
                        List.of(
                            Map.of(LayerAnnotations.SLOT, "0/4"),
                            Map.of(LayerAnnotations.SLOT, "1/8")))));
    assertEquals("layer 1: laid out for 8 layers, an earlier layer for 4", mixed.getMessage());
  }
}
