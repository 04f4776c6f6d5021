package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code docker save} of Docker 25 and later (moby's graphdriver image store): an OCI layout and
 * the legacy manifest.json and repositories files in one tar.
 *
 * <p>Followed: moby/moby at commit b985e2313a8676e18072b442911fc8f64f17d440,
 * daemon/internal/image/tarexport/save.go ({@code saveSession.save}, {@code saveImage}, {@code
 * saveConfigAndLayer}, {@code saveConfig}, {@code writeTar}): layers uncompressed at {@code
 * blobs/sha256/<diff_id hex>} with media type {@code application/vnd.oci.image.layer.v1.tar}; per
 * layer a legacy v1 config blob (not referenced by any manifest); the image config at {@code
 * blobs/sha256/<id>}; an OCI manifest; index.json with one entry per tag carrying {@code
 * io.containerd.image.name} (full name) and {@code org.opencontainers.image.ref.name} (the tag), or
 * one entry without annotations for an untagged image; manifest.json and repositories by {@code
 * json.Encoder} (newline-terminated); oci-layout {@code {"imageLayoutVersion": "1.0.0"}}; the tar
 * by {@code archive.Tar} of the directory, so in walk order with directory entries. Untagged saves
 * before commit d131f00fffbc16ed527882a586cc8fccfab2cc55 ("image/save: Fix untagged images not
 * present in index.json", Docker 25.0.0 and 25.0.1) write {@code "manifests": null}.
 */
public final class DockerSaveShapes {
  static final String COMMIT = "moby/moby@b985e2313a8676e18072b442911fc8f64f17d440";
  static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

  private DockerSaveShapes() {}

  /**
   * {@code tagged}: {@code docker save app:latest}; otherwise {@code docker save <id>}, current or
   * 25.0.0 style.
   */
  public static Shape save(SampleImage img, Path out, boolean tagged, boolean nullManifests)
      throws IOException {
    Entries e = new Entries();
    long epoch = 0;
    e.dir("blobs/", 0755, epoch).dir("blobs/sha256/", 0755, epoch);
    byte[] config = img.config();
    ArrayNode layerDescs = Blobs.array();
    ArrayNode layerPaths = Blobs.array();
    String parent = null;
    for (int i = 0; i < img.layers().size(); i++) {
      byte[] l = img.layers().get(i);
      e.add("blobs/sha256/" + Blobs.hex(l), l, 0644, epoch);
      layerDescs.add(Blobs.desc(OCI_LAYER, l, false));
      layerPaths.add("blobs/sha256/" + Blobs.hex(l));
      // saveConfig: the legacy v1 image JSON of each layer (image.V1Image), stored as a blob beside
      // the others
      ObjectNode v1 = Blobs.object();
      String id = Blobs.hex(("v1 " + i + " " + Blobs.hex(l)).getBytes(StandardCharsets.UTF_8));
      v1.put("id", id);
      if (parent != null) {
        v1.put("parent", parent);
      }
      v1.put("created", "1970-01-01T00:00:00Z");
      v1.putObject("container_config");
      v1.put("os", img.os());
      byte[] v1b = Blobs.go(v1);
      e.add("blobs/sha256/" + Blobs.hex(v1b), v1b, 0644, epoch);
      parent = id;
    }
    e.add("blobs/sha256/" + Blobs.hex(config), config, 0644, epoch);
    ObjectNode m = Blobs.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", GgcrShapes.OCI_MANIFEST);
    m.set("config", Blobs.desc(GgcrShapes.OCI_CONFIG, config, false));
    m.set("layers", layerDescs);
    byte[] manifest = Blobs.go(m);
    e.add("blobs/sha256/" + Blobs.hex(manifest), manifest, 0644, epoch);

    ObjectNode index = Blobs.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", GgcrShapes.OCI_INDEX);
    ObjectNode item = Blobs.object();
    item.put("Config", "blobs/sha256/" + Blobs.hex(config));
    if (tagged) {
      ObjectNode d = Blobs.desc(GgcrShapes.OCI_MANIFEST, manifest, false);
      ObjectNode a = d.putObject("annotations");
      a.put("io.containerd.image.name", "docker.io/library/app:latest");
      a.put("org.opencontainers.image.ref.name", "latest");
      index.putArray("manifests").add(d);
      item.putArray("RepoTags").add("app:latest");
    } else if (nullManifests) {
      index.putNull("manifests");
      item.putNull("RepoTags");
    } else {
      index.putArray("manifests").add(Blobs.desc(GgcrShapes.OCI_MANIFEST, manifest, false));
      item.putNull("RepoTags");
    }
    item.set("Layers", layerPaths);
    e.add("index.json", Blobs.go(index), 0644, epoch);
    e.add("manifest.json", Blobs.goEncode(Blobs.array().add(item)), 0644, epoch);
    e.add(
        "oci-layout",
        "{\"imageLayoutVersion\": \"1.0.0\"}".getBytes(StandardCharsets.UTF_8),
        0644,
        epoch);
    if (tagged) {
      ObjectNode repos = Blobs.object();
      repos.putObject("app").put("latest", Blobs.hex(img.layers().get(img.layers().size() - 1)));
      e.add("repositories", Blobs.goEncode(repos), 0644, epoch);
    }
    String name =
        tagged
            ? "docker25-save"
            : nullManifests ? "docker25.0.0-save-untagged" : "docker25-save-untagged";
    Path tar = e.sorted().writeTar(out.resolve(name + ".tar"));
    return new Shape(
        "docker save (Docker 25+)",
        name,
        tar,
        List.of(),
        true,
        Map.of(),
        "docker-archive:" + tar,
        nullManifests
            ? "moby/moby@d131f00fffbc16ed527882a586cc8fccfab2cc55^ image/tarexport/save.go"
            : COMMIT + " daemon/internal/image/tarexport/save.go");
  }
}
