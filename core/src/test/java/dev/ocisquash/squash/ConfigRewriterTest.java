package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigRewriterTest {
  static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
  static final Digest NEW = Digest.parse("sha256:" + "f".repeat(64));

  static ObjectNode input() throws Exception {
    return (ObjectNode)
        new ObjectMapper()
            .readTree(
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"x-unknown\":{\"keep\":[1,2]},"
                    + "\"created\":\"2020-01-01T00:00:00Z\","
                    + "\"config\":{\"Env\":[\"A=1\"],\"Cmd\":[\"sh\"],\"Labels\":{\"l\":\"v\"},\"User\":\"1000\"},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                    + "1".repeat(64)
                    + "\",\"sha256:"
                    + "2".repeat(64)
                    + "\"]},"
                    + "\"history\":[{\"created\":\"2020-01-01T00:00:00Z\",\"created_by\":\"ADD base\"},"
                    + "{\"created_by\":\"ENV A=1\",\"empty_layer\":true},"
                    + "{\"created\":\"2021-05-05T00:00:00Z\",\"created_by\":\"RUN make\",\"comment\":\"c\"}]}");
  }

  @Test
  void fullSquashKeepsHistoryAsEmptyLayersAndEveryOtherField() throws Exception {
    ObjectNode out =
        ConfigRewriter.squash(input(), List.of(), 0, NEW, "ocisquash squash", "squashed 2 layers");
    assertEquals("[\"" + NEW + "\"]", out.get("rootfs").get("diff_ids").toString());
    JsonNode h = out.get("history");
    assertEquals(4, h.size());
    assertTrue(h.get(0).get("empty_layer").asBoolean());
    assertEquals("ADD base", h.get(0).get("created_by").asText());
    assertTrue(h.get(2).get("empty_layer").asBoolean());
    assertEquals("c", h.get(2).get("comment").asText());
    assertFalse(h.get(3).path("empty_layer").asBoolean(false));
    assertEquals(
        "2021-05-05T00:00:00Z", h.get(3).get("created").asText(), "created comes from the input");
    assertEquals("{\"keep\":[1,2]}", out.get("x-unknown").toString());
    assertEquals("1000", out.get("config").get("User").asText());
    assertEquals("2020-01-01T00:00:00Z", out.get("created").asText());
  }

  @Test
  void partialSquashKeepsBaseHistoryUnchanged() throws Exception {
    ObjectNode out = ConfigRewriter.squash(input(), List.of(D1), 1, NEW, "ocisquash squash", "x");
    assertEquals(2, out.get("rootfs").get("diff_ids").size());
    assertEquals(D1.toString(), out.get("rootfs").get("diff_ids").get(0).asText());
    assertFalse(out.get("history").get(0).has("empty_layer"), "base entry unchanged");
    assertTrue(out.get("history").get(2).get("empty_layer").asBoolean());
  }
}
