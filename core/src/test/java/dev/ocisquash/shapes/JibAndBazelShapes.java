package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tarballs of two builders that never run a daemon: Jib ({@code jib:buildTar}) and rules_oci
 * ({@code oci_load}).
 *
 * <p>Followed:
 *
 * <ul>
 *   <li>GoogleContainerTools/jib@fb949e2676afbbd7dd7a1ef61e20251931325654
 *       jib-core/src/main/java/com/google/cloud/tools/jib/image/ImageTarball.java: {@code
 *       dockerWriteTo} (each layer as {@code <compressed digest hex>.tar.gz}, then {@code
 *       config.json}, then manifest.json, mtime epoch, no directories;
 *       docker/json/DockerManifestEntryTemplate.java: keys Config, RepoTags, Layers) and {@code
 *       ociWriteTo} (layers, config and manifest under blobs/sha256/, then oci-layout {@code
 *       {"imageLayoutVersion": "1.0.0"}} and index.json whose one entry's ref.name is the full
 *       image reference, image/json/OciIndexTemplate.java, OciManifestTemplate.java)
 *   <li>bazel-contrib/rules_oci@75ff28238f0a135903882f78cc19bf3ba2ef280e
 *       oci/private/tarball.sh.tpl: docker format: the config at {@code blobs/sha256/<hex>}, each
 *       layer at {@code blobs/sha256/<hex>.tar.gz}, manifest.json by jq (pretty-printed), mtree
 *       entries mode 0755, time 1672560000, no index.json nor oci-layout; oci format
 *       (oci_image_index): oci-layout, the index blob, then per manifest the manifest, config and
 *       layers, and index.json with the index entry repeated once per repo tag with that tag as
 *       ref.name
 * </ul>
 */
public final class JibAndBazelShapes {
  static final String JIB = "GoogleContainerTools/jib@fb949e2676afbbd7dd7a1ef61e20251931325654";
  static final String RULES_OCI =
      "bazel-contrib/rules_oci@75ff28238f0a135903882f78cc19bf3ba2ef280e";

  private JibAndBazelShapes() {}

  public static Shape jibDocker(SampleImage img, Path out) throws IOException {
    Entries e = new Entries();
    ObjectNode entry = Blobs.object();
    entry.put("Config", "config.json");
    entry.putArray("RepoTags").add("example.com/app:latest");
    ArrayNode layers = entry.putArray("Layers");
    for (byte[] l : img.gzipLayers()) {
      e.add(Blobs.hex(l) + ".tar.gz", l);
      layers.add(Blobs.hex(l) + ".tar.gz");
    }
    e.add("config.json", img.config());
    e.add("manifest.json", Blobs.MAPPER.writeValueAsBytes(Blobs.array().add(entry)));
    Path tar = e.writeTar(out.resolve("jib-buildtar.tar"));
    return new Shape(
        "Jib jib:buildTar",
        "jib-buildtar",
        tar,
        List.of(),
        true,
        Map.of(),
        "docker-archive:" + tar,
        JIB + " jib-core/.../image/ImageTarball.java (dockerWriteTo)");
  }

  public static Shape jibOci(SampleImage img, Path out) throws IOException {
    Entries e = new Entries();
    ObjectNode m = Blobs.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", GgcrShapes.OCI_MANIFEST);
    m.set("config", Blobs.desc(GgcrShapes.OCI_CONFIG, img.config(), false));
    ArrayNode layers = m.putArray("layers");
    for (byte[] l : img.gzipLayers()) {
      e.add("blobs/sha256/" + Blobs.hex(l), l);
      layers.add(Blobs.desc(GgcrShapes.OCI_LAYER_GZIP, l, false));
    }
    e.add("blobs/sha256/" + Blobs.hex(img.config()), img.config());
    byte[] raw = Blobs.MAPPER.writeValueAsBytes(m);
    e.add("blobs/sha256/" + Blobs.hex(raw), raw);
    e.add("oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    ObjectNode d = Blobs.desc(GgcrShapes.OCI_MANIFEST, raw, false);
    d.putObject("annotations").put("org.opencontainers.image.ref.name", "example.com/app:latest");
    ObjectNode idx = Blobs.object();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", GgcrShapes.OCI_INDEX);
    idx.putArray("manifests").add(d);
    e.add("index.json", Blobs.MAPPER.writeValueAsBytes(idx));
    Path tar = e.writeTar(out.resolve("jib-buildtar-oci.tar"));
    return new Shape(
        "Jib jib:buildTar (OCI format)",
        "jib-buildtar-oci",
        tar,
        List.of(),
        true,
        Map.of(),
        "oci-archive:" + tar,
        JIB + " jib-core/.../image/ImageTarball.java (ociWriteTo)");
  }

  static final long BAZEL_TIME = 1672560000L;

  public static Shape rulesOciDocker(SampleImage img, Path out) throws IOException {
    Entries e = new Entries();
    String cfg = "blobs/sha256/" + Blobs.hex(img.config());
    e.add(cfg, img.config(), 0755, BAZEL_TIME);
    ObjectNode entry = Blobs.object();
    entry.put("Config", cfg);
    entry.putArray("RepoTags").add("example.com/app:latest");
    ArrayNode layers = entry.putArray("Layers");
    for (byte[] l : img.gzipLayers()) {
      String p = "blobs/sha256/" + Blobs.hex(l) + ".tar.gz";
      e.add(p, l, 0755, BAZEL_TIME);
      layers.add(p);
    }
    byte[] json =
        (Blobs.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Blobs.array().add(entry))
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    e.add("manifest.json", json, 0755, BAZEL_TIME);
    Path tar = e.writeTar(out.resolve("rules-oci-load.tar"));
    return new Shape(
        "rules_oci oci_load",
        "rules-oci-load",
        tar,
        List.of(),
        true,
        Map.of(),
        "docker-archive:" + tar,
        RULES_OCI + " oci/private/tarball.sh.tpl (docker format)");
  }

  public static Shape rulesOciIndex(SampleImage img, Path out) throws IOException {
    Entries e = new Entries();
    e.add(
        "oci-layout",
        "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8),
        0755,
        BAZEL_TIME);
    Entries blobs = new Entries();
    ObjectNode image = ArtifactShapes.ociImage(blobs, img);
    ObjectNode p = image.putObject("platform");
    p.put("architecture", img.architecture());
    p.put("os", img.os());
    ObjectNode idx = ArtifactShapes.orasIndex(Blobs.array().add(image));
    byte[] raw = Blobs.go(idx);
    e.add("blobs/sha256/" + Blobs.hex(raw), raw, 0755, BAZEL_TIME);
    String manifest = image.get("digest").asText().substring(7);
    ObjectNode m = (ObjectNode) Blobs.parse(blobs.get("blobs/sha256/" + manifest));
    e.add("blobs/sha256/" + manifest, blobs.get("blobs/sha256/" + manifest), 0755, BAZEL_TIME);
    String cfg = m.get("config").get("digest").asText().substring(7);
    e.add("blobs/sha256/" + cfg, blobs.get("blobs/sha256/" + cfg), 0755, BAZEL_TIME);
    for (var l : m.get("layers")) {
      String h = l.get("digest").asText().substring(7);
      e.add("blobs/sha256/" + h, blobs.get("blobs/sha256/" + h), 0755, BAZEL_TIME);
    }
    ObjectNode top = Blobs.desc(GgcrShapes.OCI_INDEX, raw, false);
    top.putObject("annotations").put("org.opencontainers.image.ref.name", "example.com/app:latest");
    ObjectNode index = ArtifactShapes.orasIndex(Blobs.array().add(top));
    e.add(
        "index.json",
        (Blobs.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(index) + "\n")
            .getBytes(StandardCharsets.UTF_8),
        0755,
        BAZEL_TIME);
    Path tar = e.writeTar(out.resolve("rules-oci-load-oci.tar"));
    return new Shape(
        "rules_oci oci_load (format oci)",
        "rules-oci-load-oci",
        tar,
        List.of(),
        true,
        Map.of(),
        "oci-archive:" + tar,
        RULES_OCI + " oci/private/tarball.sh.tpl (oci format)");
  }
}
