package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SquashPointTest {
  private static JsonNode config(String historyJson) throws Exception {
    return new ObjectMapper().readTree("{\"history\": " + historyJson + "}");
  }

  @Test
  void baseEndsAtTheLastCmdMarkerThatHasLayersAfterIt() throws Exception {
    // debian (1 layer, CMD), python on top (2 layers, CMD), then the user's 2 layers and CMD
    JsonNode c =
        config(
            "[{\"created_by\":\"/bin/sh -c #(nop) ADD file:abc in / \"},"
                + "{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"bash\\\"]\",\"empty_layer\":true},"
                + "{\"created_by\":\"RUN apt-get install python3\"},"
                + "{\"created_by\":\"ENV LANG=C.UTF-8\",\"empty_layer\":true},"
                + "{\"created_by\":\"RUN pip install\"},"
                + "{\"created_by\":\"CMD [\\\"python3\\\"]\",\"empty_layer\":true},"
                + "{\"created_by\":\"COPY . /app\"},"
                + "{\"created_by\":\"RUN make\"},"
                + "{\"created_by\":\"CMD [\\\"/app/run\\\"]\",\"empty_layer\":true}]");
    assertEquals(3, SquashPoint.baseLayerCount(c));
  }

  @Test
  void noMarkerMeansNoBase() throws Exception {
    assertEquals(
        0, SquashPoint.baseLayerCount(config("[{\"created_by\":\"a\"},{\"created_by\":\"b\"}]")));
    assertEquals(0, SquashPoint.baseLayerCount(config("[]")));
  }

  @Test
  void aFinalCmdWithNothingAfterItIsNotABoundary() throws Exception {
    JsonNode c =
        config(
            "[{\"created_by\":\"ADD rootfs\"},{\"created_by\":\"RUN x\"},"
                + "{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"sh\\\"]\",\"empty_layer\":true}]");
    assertEquals(0, SquashPoint.baseLayerCount(c));
  }

  @Test
  void recognisesClassicAndBuildKitMarkers() {
    assertTrue(SquashPoint.isCmdMarker("/bin/sh -c #(nop)  CMD [\"bash\"]"));
    assertTrue(
        SquashPoint.isCmdMarker("/bin/sh -c #(nop)  ENTRYPOINT [\"/docker-entrypoint.sh\"]"));
    assertTrue(SquashPoint.isCmdMarker("CMD [\"python3\"]"));
    assertTrue(SquashPoint.isCmdMarker("ENTRYPOINT [\"java\"]"));
    assertFalse(SquashPoint.isCmdMarker("RUN echo CMD"));
    assertFalse(SquashPoint.isCmdMarker("/bin/sh -c #(nop)  ENV X=1"));
  }
}
