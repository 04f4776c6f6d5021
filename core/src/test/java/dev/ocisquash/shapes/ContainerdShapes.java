package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ctr images export} / {@code nerdctl save} of a multi-platform image pulled for the current
 * platform only (containerd's default: other platforms' blobs are not in the content store, and
 * export is limited to the current platform).
 *
 * <p>Followed: containerd/containerd at commit 301026e58c619e63d09c0ec411012e54c0124b03,
 * core/images/archive/exporter.go: {@code Export} lists the index as given, with {@code
 * addNameAnnotation} ({@code io.containerd.image.name} = the full name, {@code
 * org.opencontainers.image.ref.name} = {@code ociReferenceName}, the tag) and {@code
 * copySourceLabels} ({@code containerd.io/distribution.source.<host>}); for an index it writes the
 * index blob and, with a platform matcher, only the matching children ({@code continue} skips the
 * others' records), so the index lists manifests whose blobs are absent; {@code manifestsRecord}
 * writes manifest.json (Config, RepoTags familiarized, Layers) for the chosen platform unless
 * {@code --skip-manifest-json}; {@code blobRecord} mode 0444, {@code ociLayoutFile} mode 0444,
 * index.json and manifest.json 0644; {@code directoryRecord} for blobs/ and blobs/sha256/; {@code
 * writeTar} sorts every record by name.
 */
public final class ContainerdShapes {
  static final String COMMIT = "containerd/containerd@301026e58c619e63d09c0ec411012e54c0124b03";

  private ContainerdShapes() {}

  public static Shape export(SampleImage img, Path out, boolean skipManifestJson)
      throws IOException {
    Entries e = new Entries();
    ObjectNode child = Blobs.object();
    child.put("schemaVersion", 2);
    child.put("mediaType", GgcrShapes.OCI_INDEX);
    ArrayNode ms = child.putArray("manifests");
    byte[] kept = null;
    for (String arch : List.of("amd64", "arm64")) {
      boolean current = arch.equals(img.architecture());
      byte[] config = current ? img.config() : img.configFor(arch);
      ObjectNode m = Blobs.object();
      m.put("schemaVersion", 2);
      m.put("mediaType", GgcrShapes.OCI_MANIFEST);
      m.set("config", Blobs.desc(GgcrShapes.OCI_CONFIG, config, false));
      ArrayNode layers = m.putArray("layers");
      for (byte[] l : img.gzipLayers()) {
        layers.add(Blobs.desc(GgcrShapes.OCI_LAYER_GZIP, l, false));
      }
      byte[] raw = Blobs.go(m);
      ObjectNode d = Blobs.desc(GgcrShapes.OCI_MANIFEST, raw, false);
      ObjectNode p = d.putObject("platform");
      p.put("architecture", arch);
      p.put("os", "linux");
      ms.add(d);
      if (current) { // only the current platform's blobs are exported
        kept = raw;
        e.add("blobs/sha256/" + Blobs.hex(raw), raw, 0444, 0);
        e.add("blobs/sha256/" + Blobs.hex(config), config, 0444, 0);
        for (byte[] l : img.gzipLayers()) {
          e.add("blobs/sha256/" + Blobs.hex(l), l, 0444, 0);
        }
      }
    }
    byte[] idx = Blobs.go(child);
    e.add("blobs/sha256/" + Blobs.hex(idx), idx, 0444, 0);
    e.add(
        "oci-layout",
        "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8),
        0444,
        0);
    ObjectNode d = Blobs.desc(GgcrShapes.OCI_INDEX, idx, false);
    ObjectNode a = d.putObject("annotations");
    a.put("containerd.io/distribution.source.docker.io", "library/app");
    a.put("io.containerd.image.name", "docker.io/library/app:latest");
    a.put("org.opencontainers.image.ref.name", "latest");
    ObjectNode index = Blobs.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", GgcrShapes.OCI_INDEX);
    index.putArray("manifests").add(d);
    e.add("index.json", Blobs.go(index));
    if (!skipManifestJson) {
      ObjectNode m = (ObjectNode) Blobs.parse(kept);
      ObjectNode item = Blobs.object();
      item.put("Config", "blobs/sha256/" + m.get("config").get("digest").asText().substring(7));
      item.putArray("RepoTags").add("app:latest");
      ArrayNode lp = item.putArray("Layers");
      m.get("layers").forEach(l -> lp.add("blobs/sha256/" + l.get("digest").asText().substring(7)));
      e.add("manifest.json", Blobs.go(Blobs.array().add(item)));
    }
    e.dir("blobs/", 0755, 0).dir("blobs/sha256/", 0755, 0);
    String name = skipManifestJson ? "ctr-export-skip-manifest-json" : "ctr-export";
    Path tar = e.sorted().writeTar(out.resolve(name + ".tar"));
    return new Shape(
        skipManifestJson
            ? "ctr export --skip-manifest-json (containerd)"
            : "ctr export / nerdctl save (containerd)",
        name,
        tar,
        List.of(),
        true,
        Map.of(),
        skipManifestJson ? null : "docker-archive:" + tar,
        COMMIT + " core/images/archive/exporter.go");
  }
}
