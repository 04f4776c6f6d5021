package dev.ocisquash.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed JSON views: what they read, what they write, and that everything else stays byte for
 * byte.
 */
class JsonViewsTest {
  static final String A = "sha256:" + "a".repeat(64);
  static final String B = "sha256:" + "b".repeat(64);
  static final String C = "sha256:" + "c".repeat(64);

  /** A config in no particular field order, with unknown fields at every level. */
  static final String CONFIG =
      "{\"x-first\":[1,2.5,null,true,\"\\u00e9\"],\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"],\"X-Runtime\":{}},"
          + "\"rootfs\":{\"x-before\":0,\"type\":\"layers\",\"diff_ids\":[\""
          + A
          + "\",\""
          + B
          + "\"],\"x-after\":1},"
          + "\"created\":\"2020-01-01T00:00:00Z\",\"architecture\":\"arm64\",\"variant\":\"v8\","
          + "\"history\":[{\"x-h\":{\"k\":[]},\"created\":\"2020-01-01T00:00:00Z\",\"created_by\":\"ADD base\"},"
          + "{\"created_by\":\"CMD [\\\"sh\\\"]\",\"empty_layer\":true,\"comment\":\"c\"},{\"created_by\":\"RUN x\"}],"
          + "\"x-last\":{\"n\":{\"m\":-0.125}}}";

  static ObjectNode parse(String json) throws Exception {
    return (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static String bytes(ObjectNode n) {
    return new String(Json.canonicalBytes(n), StandardCharsets.UTF_8);
  }

  @Test
  void configReadsTheFieldsItNames() throws Exception {
    ConfigJson c = new ConfigJson(parse(CONFIG));
    assertEquals("2020-01-01T00:00:00Z", c.created());
    assertEquals(Platform.of("linux", "arm64", "v8"), c.platform());
    assertEquals(2, c.diffIdsNode().size());
    List<ConfigJson.History> h = c.history();
    assertEquals(3, h.size());
    assertEquals("ADD base", h.get(0).createdBy());
    assertEquals("2020-01-01T00:00:00Z", h.get(0).created());
    assertFalse(h.get(0).emptyLayer());
    assertTrue(h.get(1).emptyLayer());
    assertNull(h.get(2).created());
  }

  @Test
  void rewritingAConfigWithTheValuesItHasGivesTheSameBytes() throws Exception {
    ObjectNode json = parse(CONFIG);
    String before = bytes(json);
    ConfigJson c = new ConfigJson(json);
    c.setDiffIds(List.of(Digest.parse(A), Digest.parse(B)));
    List<ConfigJson.History> copies = new ArrayList<>();
    c.history().forEach(e -> copies.add(e.copy()));
    c.setHistory(copies);
    c.setCreated("2020-01-01T00:00:00Z");
    assertEquals(before, bytes(json));
  }

  @Test
  void settersChangeOnlyTheirFieldInPlace() throws Exception {
    ObjectNode json = parse(CONFIG);
    String before = bytes(json);
    ConfigJson c = new ConfigJson(json);
    c.setDiffIds(List.of(Digest.parse(C)));
    c.setCreated("2030-01-01T00:00:00Z");
    c.setHistoryCreated("2030-01-01T00:00:00Z", 2);
    c.history().get(2).markEmpty();
    String expected =
        before
            .replace("\"diff_ids\":[\"" + A + "\",\"" + B + "\"]", "\"diff_ids\":[\"" + C + "\"]")
            .replace(
                "\"created\":\"2020-01-01T00:00:00Z\",\"architecture\"",
                "\"created\":\"2030-01-01T00:00:00Z\",\"architecture\"")
            .replace(
                "\"empty_layer\":true,\"comment\":\"c\"}",
                "\"empty_layer\":true,\"comment\":\"c\",\"created\":\"2030-01-01T00:00:00Z\"}")
            .replace(
                "{\"created_by\":\"RUN x\"}",
                "{\"created_by\":\"RUN x\",\"created\":\"2030-01-01T00:00:00Z\",\"empty_layer\":true}");
    assertEquals(expected, bytes(json));
  }

  @Test
  void absentAndWronglyTypedConfigFieldsReadAsAbsent() throws Exception {
    ConfigJson c = new ConfigJson(parse("{\"created\":5,\"history\":{\"a\":1},\"rootfs\":\"x\"}"));
    assertNull(c.created());
    assertTrue(c.history().isEmpty());
    assertFalse(c.hasHistory());
    assertNull(c.diffIdsNode());
    assertNull(c.platform());
    ConfigJson odd =
        new ConfigJson(parse("{\"history\":[7,{\"empty_layer\":\"yes\",\"created_by\":3}]}"));
    assertEquals(2, odd.history().size());
    assertEquals(
        "", odd.history().get(0).createdBy(), "an entry that is not an object has no fields");
    assertFalse(odd.history().get(1).emptyLayer(), "only JSON true marks an empty layer");
  }

  @Test
  void aConfigWithoutRootfsOrHistoryGetsThemLast() throws Exception {
    ObjectNode json = parse("{\"os\":\"linux\",\"x\":1}");
    ConfigJson c = new ConfigJson(json);
    c.setDiffIds(List.of(Digest.parse(A)));
    c.setHistory(List.of(ConfigJson.History.of(null, "by", "note")));
    assertEquals(
        "{\"os\":\"linux\",\"x\":1,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + A
            + "\"]},"
            + "\"history\":[{\"created_by\":\"by\",\"comment\":\"note\"}]}",
        bytes(json));
  }

  @Test
  void newManifestAndIndexHaveTheirFieldsInSpecOrder() throws Exception {
    ManifestJson m = ManifestJson.newOci(Digest.parse(A), 10);
    m.addLayer(MediaTypes.OCI_LAYER_GZIP, Digest.parse(B), 20).annotations().put("k", "v");
    assertEquals(
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + A
            + "\",\"size\":10},\"layers\":[{\"mediaType\":\""
            + MediaTypes.OCI_LAYER_GZIP
            + "\",\"digest\":\""
            + B
            + "\",\"size\":20,\"annotations\":{\"k\":\"v\"}}]}",
        bytes(m.json()));
    IndexJson idx = IndexJson.newOci();
    DescriptorJson.add(idx.manifests(), MediaTypes.OCI_MANIFEST, Digest.parse(C), 30);
    assertEquals(
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":[{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + C
            + "\",\"size\":30}]}",
        bytes(idx.json()));
    assertTrue(IndexJson.looksLikeIndex(idx.json()));
    assertFalse(IndexJson.looksLikeIndex(m.json()));
  }

  @Test
  void manifestReadsItsDescriptorsAndLeavesUnknownFieldsAlone() throws Exception {
    String text =
        "{\"x\":1,\"schemaVersion\":2,\"config\":{\"digest\":\""
            + A
            + "\",\"size\":3,\"x-d\":[]},"
            + "\"layers\":[{\"mediaType\":\"m\",\"digest\":\""
            + B
            + "\",\"size\":4,"
            + "\"annotations\":{\"a\":\"1\",\"n\":2}},\"not an object\"],\"artifactType\":\"t\"}";
    ObjectNode json = parse(text);
    ManifestJson m = ManifestJson.of(json);
    assertNotNull(m);
    assertEquals(2, m.schemaVersion().asInt());
    assertNull(m.mediaType());
    assertTrue(m.hasConfig());
    assertEquals(A, m.config().digestText());
    assertNull(m.config().mediaType());
    assertEquals(2, m.layerCount());
    assertEquals(1, m.layers().size(), "an entry that is not an object is no descriptor");
    assertEquals("1", m.layer(0).annotation("a"));
    assertNull(m.layer(0).annotation("n"), "a non-string annotation reads as absent");
    assertNull(m.layer(1));
    assertNull(m.layer(5));
    assertEquals("t", m.artifactType());
    assertEquals(text, bytes(json), "reading changes nothing");
    assertNull(ManifestJson.of(Json.array()));
  }

  @Test
  void descriptorRetargetKeepsEveryOtherFieldWhereItWas() throws Exception {
    ObjectNode entry =
        parse(
            "{\"x\":0,\"mediaType\":\"old\",\"digest\":\""
                + A
                + "\",\"size\":1,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\",\"os.features\":[\"f\"]},"
                + "\"annotations\":{\"k\":\"v\"}}");
    DescriptorJson d = DescriptorJson.of(entry);
    assertEquals(Platform.of("linux", "amd64", null), d.platform());
    DescriptorJson moved = d.withTarget("new", Digest.parse(B), 2);
    assertEquals(
        "{\"x\":0,\"mediaType\":\"new\",\"digest\":\""
            + B
            + "\",\"size\":2,"
            + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\",\"os.features\":[\"f\"]},"
            + "\"annotations\":{\"k\":\"v\"}}",
        bytes(moved.json()));
    assertEquals(A, d.digestText(), "the original is not touched");
  }

  @Test
  void descriptorFieldsOfTheWrongTypeReadAsAbsent() throws Exception {
    DescriptorJson d =
        DescriptorJson.of(parse("{\"mediaType\":5,\"digest\":7,\"size\":-1,\"annotations\":[]}"));
    assertNull(d.mediaType());
    assertTrue(d.mediaTypeMalformed());
    assertNull(d.digestText());
    assertEquals(-1, d.size());
    assertEquals(-1, DescriptorJson.of(parse("{\"size\":\"12\"}")).size());
    assertNull(d.annotation("k"));
    assertFalse(
        DescriptorJson.of(parse("{\"mediaType\":null}")).mediaTypeMalformed(), "null is absent");
    assertNull(DescriptorJson.of(null));
    assertNull(DescriptorJson.of(Json.array()));
  }

  @Test
  void dockerManifestEntryWritesNullRepoTagsForAnUntaggedImage() throws Exception {
    ArrayNode arr = Json.array();
    DockerManifestJson.add(arr, "c.json", List.of(), List.of("l1.tar", "l2.tar"));
    DockerManifestJson tagged = DockerManifestJson.add(arr, "d.json", List.of("r:t"), List.of());
    assertEquals(
        "[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[\"l1.tar\",\"l2.tar\"]},"
            + "{\"Config\":\"d.json\",\"RepoTags\":[\"r:t\"],\"Layers\":[]}]",
        new String(Json.canonicalBytes(arr), StandardCharsets.UTF_8));
    assertEquals("d.json", tagged.config());
    assertEquals(1, tagged.repoTagsNode().size());
    assertEquals(0, tagged.layersNode().size());
    assertNull(new DockerManifestJson(parse("{\"Config\":1}")).config());
  }
}
