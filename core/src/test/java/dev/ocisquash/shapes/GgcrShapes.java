package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What go-containerregistry writes: OCI layouts ({@code crane pull --format oci}, ko, any tool on
 * pkg/v1/layout) and docker-save tarballs ({@code crane pull}, {@code crane export}-free saves,
 * Kaniko {@code --tar-path}).
 *
 * <p>Followed: google/go-containerregistry at commit 3f4ff3ca60f51c876ac4bd89e9a787157aaa4f15:
 *
 * <ul>
 *   <li>pkg/v1/layout/write.go: {@code layoutFile} (the oci-layout text, 4-space indented), {@code
 *       Write} (writes {@code empty.Index} compact), {@code AppendImage}/{@code AppendIndex} →
 *       {@code AppendDescriptor}, which rewrites index.json with {@code json.MarshalIndent(index,
 *       "", " ")}; {@code WriteIndex} writes every child of a pulled index (all platforms) under
 *       blobs/;
 *   <li>pkg/v1/partial/with.go {@code Descriptor}: size, digest, media type, and for an image
 *       {@code artifactType} = the config's media type; pkg/v1/manifest.go {@code Descriptor} field
 *       order (mediaType, size, digest, data, urls, annotations, platform, artifactType);
 *   <li>cmd/crane/cmd/pull.go: no ref.name unless {@code --annotate-ref}, then {@code
 *       org.opencontainers.image.ref.name} = the full reference; a multi-platform index is appended
 *       whole when no {@code --platform} is given;
 *   <li>pkg/v1/tarball/write.go {@code writeImagesToTar}: per image the config as {@code
 *       sha256:<hex>} (the colon kept: {@code cfgName.String()}), then each layer once as {@code
 *       <compressed hex>} + {@code layerExtension} ({@code .tar.gz}, {@code .tar.zst}, {@code
 *       .tar}), then manifest.json last; {@code writeTarEntry}: mode 0644, no directories; {@code
 *       calculateManifest}: Config, RepoTags, Layers (LayerSources omitted when empty).
 * </ul>
 *
 * Kaniko {@code --tar-path} (GoogleContainerTools/kaniko at
 * 236ba5690eda9170d0157aa8137ebbeb09d38685, pkg/executor/push.go line 252) calls {@code
 * tarball.MultiWriteToFile}, the same writer; with {@code --compression=zstd} its layers are {@code
 * tarball.WithMediaType(types.OCILayerZStd)} and so named {@code .tar.zst}.
 */
public final class GgcrShapes {
  static final String COMMIT =
      "google/go-containerregistry@3f4ff3ca60f51c876ac4bd89e9a787157aaa4f15";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  static final String LAYOUT_FILE = "{\n    \"imageLayoutVersion\": \"1.0.0\"\n}";

  private GgcrShapes() {}

  /**
   * A Docker schema 2 image as a registry serves it (Docker Hub), its manifest bytes; blobs added
   * to {@code e}.
   */
  static byte[] dockerImage(Entries e, SampleImage img, byte[] config) {
    ObjectNode m = Blobs.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", DOCKER_MANIFEST);
    m.set("config", Blobs.desc(DOCKER_CONFIG, config, true));
    ArrayNode layers = m.putArray("layers");
    for (byte[] l : img.gzipLayers()) {
      layers.add(Blobs.desc(DOCKER_LAYER, l, true));
      e.put("blobs/sha256/" + Blobs.hex(l), l);
    }
    e.put("blobs/sha256/" + Blobs.hex(config), config);
    byte[] raw = Blobs.go(m);
    e.put("blobs/sha256/" + Blobs.hex(raw), raw);
    return raw;
  }

  /** {@code layout.Write(path, empty.Index)}: oci-layout and the empty index, compact. */
  static Entries emptyLayout() {
    Entries e = new Entries();
    e.add("oci-layout", LAYOUT_FILE.getBytes(StandardCharsets.UTF_8));
    e.add("index.json", Blobs.go(index()));
    return e;
  }

  static ObjectNode index() {
    ObjectNode idx = Blobs.object();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", OCI_INDEX);
    idx.putArray("manifests");
    return idx;
  }

  /** {@code partial.Descriptor} of an image, with {@code layout.WithAnnotations} when given. */
  static ObjectNode imageDescriptor(
      byte[] manifest, String mediaType, String configType, Map<String, String> ann) {
    ObjectNode d = Blobs.desc(mediaType, manifest, true);
    if (!ann.isEmpty()) {
      ObjectNode a = d.putObject("annotations");
      ann.forEach(a::put);
    }
    d.put("artifactType", configType);
    return d;
  }

  /** {@code AppendDescriptor}: index.json rewritten with MarshalIndent, three spaces. */
  static void append(Entries e, ObjectNode index, ObjectNode desc) {
    ((ArrayNode) index.get("manifests")).add(desc);
    e.put("index.json", Blobs.goIndent(index, "   "));
  }

  /**
   * {@code crane pull IMAGE --format oci DIR}, with {@code --annotate-ref} when {@code ref} is not
   * null.
   */
  public static Shape cranePullOci(SampleImage img, Path out, String ref) throws IOException {
    Entries e = emptyLayout();
    byte[] manifest = dockerImage(e, img, img.config());
    ObjectNode index = index();
    Map<String, String> ann =
        ref == null ? Map.of() : Map.of("org.opencontainers.image.ref.name", ref);
    append(e, index, imageDescriptor(manifest, DOCKER_MANIFEST, DOCKER_CONFIG, ann));
    String name = ref == null ? "crane-pull-oci" : "crane-pull-oci-annotate-ref";
    Path dir = e.writeDir(out.resolve(name));
    return new Shape(
        "crane (go-containerregistry)",
        name,
        dir,
        List.of(),
        true,
        Map.of(),
        // skopeo 1.9 reads neither: without a ref.name oci: needs a name, and with one it skips
        // every index entry
        // whose mediaType is not the OCI manifest type (containers/image
        // oci/layout/oci_transport.go,
        // getManifestDescriptor), and a Docker Hub pull keeps Docker media types
        null,
        COMMIT + " pkg/v1/layout/write.go, pkg/v1/partial/with.go, cmd/crane/cmd/pull.go");
  }

  /**
   * {@code crane pull} of a two-platform index without {@code --platform}: index.json lists the
   * index (no artifactType: {@code IsImage()} is false for an index), and every platform's blobs
   * are written.
   */
  public static Shape cranePullIndex(SampleImage img, Path out) throws IOException {
    Entries e = emptyLayout();
    ObjectNode child = Blobs.object();
    child.put("schemaVersion", 2);
    child.put("mediaType", OCI_INDEX);
    ArrayNode ms = child.putArray("manifests");
    for (String arch : List.of("amd64", "arm64")) {
      byte[] config = arch.equals(img.architecture()) ? img.config() : img.configFor(arch);
      byte[] m = dockerImage(e, img, config);
      ObjectNode d = Blobs.desc(DOCKER_MANIFEST, m, false);
      ObjectNode p = d.putObject("platform");
      p.put("architecture", arch);
      p.put("os", "linux");
      ms.add(d);
    }
    byte[] raw = Blobs.go(child);
    e.put("blobs/sha256/" + Blobs.hex(raw), raw);
    append(e, index(), Blobs.desc(OCI_INDEX, raw, true));
    Path dir = e.writeDir(out.resolve("crane-pull-oci-index"));
    return new Shape(
        "crane (go-containerregistry)",
        "crane-pull-oci-index",
        dir,
        // two platforms: ocisquash asks which (it does not guess the host platform)
        List.of("--platform", "linux/" + img.architecture()),
        true,
        Map.of(),
        null,
        COMMIT + " pkg/v1/layout/write.go (AppendIndex, writeIndexToFile), cmd/crane/cmd/pull.go");
  }

  /**
   * {@code tarball.Write}: {@code crane pull IMAGE out.tar}, and Kaniko {@code --tar-path} (zstd:
   * Kaniko's option).
   */
  public static Shape tarball(SampleImage img, Path out, boolean kanikoZstd) throws IOException {
    Entries e = new Entries();
    byte[] config = img.config();
    e.add("sha256:" + Blobs.hex(config), config);
    ArrayNode layers = Blobs.array();
    for (byte[] raw : img.layers()) {
      byte[] l = kanikoZstd ? Blobs.zstd(raw) : Blobs.gzip(raw);
      String file = Blobs.hex(l) + (kanikoZstd ? ".tar.zst" : ".tar.gz");
      e.add(file, l);
      layers.add(file);
    }
    ObjectNode entry = Blobs.object();
    entry.put("Config", "sha256:" + Blobs.hex(config));
    entry.putArray("RepoTags").add("example.com/app:latest");
    entry.set("Layers", layers);
    e.add("manifest.json", Blobs.go(Blobs.array().add(entry)));
    String name = kanikoZstd ? "kaniko-tar-path-zstd" : "ggcr-tarball";
    Path tar = e.writeTar(out.resolve(name + ".tar"));
    return new Shape(
        kanikoZstd ? "Kaniko --tar-path" : "crane pull / tarball.Write (go-containerregistry)",
        name,
        tar,
        List.of(),
        true,
        Map.of(),
        "docker-archive:" + tar,
        kanikoZstd
            ? "GoogleContainerTools/kaniko@236ba5690eda9170d0157aa8137ebbeb09d38685 pkg/executor/push.go; "
                + COMMIT
                + " pkg/v1/tarball/write.go"
            : COMMIT + " pkg/v1/tarball/write.go");
  }
}
