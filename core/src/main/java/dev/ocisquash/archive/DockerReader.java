package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.ConfigJson;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.DockerManifestJson;
import dev.ocisquash.model.ManifestJson;
import dev.ocisquash.model.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads one image from a docker-archive: legacy {@code docker save} ({@code <id>/layer.tar}),
 * podman/skopeo ({@code <diffid>.tar}), and Docker 25+/containerd ({@code blobs/sha256/<hex>}, with
 * an OCI index beside it).
 */
final class DockerReader {
  private static final Pattern BLOB_PATH = Pattern.compile("blobs/(sha256|sha512)/([a-f0-9]+)");
  private static final System.Logger LOG = System.getLogger(DockerReader.class.getName());
  private static final Pattern HEX_JSON = Pattern.compile("(?:.*/)?([a-f0-9]{64})\\.json");

  /** One manifest.json entry. */
  private static final class Entry {
    final String configPath;
    final List<String> tags = new ArrayList<>();
    final List<String> layerPaths = new ArrayList<>();

    /** Set by {@link DockerReader#loadConfig}, which read() runs on every entry first. */
    @Nullable ObjectNode config;

    @Nullable Digest configDigest;
    long configSize;

    Entry(String configPath) {
      this.configPath = configPath;
    }

    ObjectNode config() {
      return Objects.requireNonNull(config, "config loaded");
    }

    Digest configDigest() {
      return Objects.requireNonNull(configDigest, "config loaded");
    }

    String choice() {
      Platform p = config == null ? null : Platform.fromJson(config);
      return "ref="
          + (tags.isEmpty() ? "-" : String.join(",", tags))
          + " platform="
          + (p == null ? "?" : p)
          + " digest="
          + (configDigest == null ? configPath : configDigest.toString());
    }
  }

  private final BlobStore store;
  private final String display;

  DockerReader(BlobStore store) {
    this.store = store;
    this.display = store.display();
  }

  ArchiveImage read(ImageSelector selector) throws IOException {
    JsonNode doc = Descriptor.readJson(store, "manifest.json");
    if (!doc.isArray()) {
      throw Descriptor.bad(display, "manifest.json", "not a JSON array");
    }
    List<Entry> all = new ArrayList<>();
    for (JsonNode n : doc) {
      all.add(parseEntry(n, all.size()));
    }
    if (all.isEmpty()) {
      throw Descriptor.bad(display, "manifest.json", "lists no images");
    }
    for (Entry e : all) {
      loadConfig(e);
    }
    List<Entry> chosen = new ArrayList<>(all);
    if (selector.ref() != null) {
      chosen.removeIf(e -> !RefNames.matches(selector.ref(), e.tags, List.of()));
    }
    if (selector.platform() != null) {
      Platform wanted = OciReader.parsePlatform(display, selector.platform());
      chosen.removeIf(e -> !wanted.matches(new ConfigJson(e.config()).platform()));
    }
    Entry e = OciReader.single(display, selector, chosen, all, Entry::choice);
    return build(e);
  }

  private Entry parseEntry(JsonNode n, int pos) throws ImageException {
    String where = "manifest.json[" + pos + "]";
    if (!n.isObject()) {
      throw Descriptor.bad(display, where, "entry is not a JSON object");
    }
    DockerManifestJson view = new DockerManifestJson((ObjectNode) n);
    String cfg = view.config();
    if (cfg == null) {
      throw Descriptor.bad(display, where, "missing 'Config'");
    }
    Entry e = new Entry(ArchivePaths.checked(display, cfg));
    JsonNode tags = view.repoTagsNode();
    if (tags != null && tags.isArray()) {
      for (JsonNode t : tags) {
        e.tags.add(t.asText());
      }
    }
    JsonNode layers = view.layersNode();
    if (layers == null || !layers.isArray()) {
      throw Descriptor.bad(display, where, "missing 'Layers'");
    }
    for (JsonNode l : layers) {
      if (!l.isTextual()) {
        throw Descriptor.bad(display, where, "'Layers' holds a non-string");
      }
      e.layerPaths.add(ArchivePaths.checked(display, l.asText()));
    }
    return e;
  }

  private void loadConfig(Entry e) throws IOException {
    if (!store.exists(e.configPath)) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(display, null, null, "config " + e.configPath + " is missing"));
    }
    byte[] bytes = store.readSmall(e.configPath, Descriptor.JSON_LIMIT);
    Digest expected = impliedDigest(e.configPath);
    Digest actual = Descriptor.digestOf(expected == null ? "sha256" : expected.algorithm(), bytes);
    e.configDigest = actual;
    if (expected != null && !expected.equals(actual)) {
      if (!BLOB_PATH.matcher(e.configPath).matches()) {
        // Legacy layout: <hex>.json is a name, not a digest claim (an image whose history was
        // edited keeps its old
        // name), and docker load and skopeo accept it. The layers are still verified against the
        // config's diff_ids.
        LOG.log(
            System.Logger.Level.DEBUG,
            "{0}: {1}: config file name is not its digest ({2}); accepted, as in the legacy docker save layout",
            display,
            e.configPath,
            e.configDigest);
      } else {
        throw Descriptor.bad(
            display,
            e.configPath,
            "config digest mismatch: name says " + expected + ", content is " + e.configDigest);
      }
    }
    JsonNode n = Descriptor.parseJson(display, e.configPath, bytes);
    if (!n.isObject()) {
      throw Descriptor.bad(display, e.configPath, "config is not a JSON object");
    }
    e.config = (ObjectNode) n;
    e.configSize = bytes.length;
  }

  /** The digest a config path encodes: {@code blobs/sha256/<hex>} or legacy {@code <hex>.json}. */
  private static @Nullable Digest impliedDigest(String path) {
    Matcher m = BLOB_PATH.matcher(path);
    if (m.matches()) {
      try {
        return Digest.parse(m.group(1) + ":" + m.group(2));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    Matcher j = HEX_JSON.matcher(path);
    return j.matches() ? Digest.parse("sha256:" + j.group(1)) : null;
  }

  private ArchiveImage build(Entry e) throws IOException {
    List<Digest> diffIds =
        OciReader.diffIds(display, e.configPath, new ConfigJson(e.config()), e.layerPaths.size());
    // Docker 25+ and containerd archives carry the real manifest in an OCI index beside
    // manifest.json.
    ObjectNode manifest = findManifest(e);
    List<Descriptor> descs = null;
    if (manifest != null) {
      descs =
          Descriptor.list(display, "manifest", new ManifestJson(manifest).layersNode(), "layers");
      if (descs.size() != e.layerPaths.size()) {
        manifest = null;
        descs = null;
      }
    }
    List<SourceLayer> layers = new ArrayList<>();
    for (int i = 0; i < e.layerPaths.size(); i++) {
      String path = e.layerPaths.get(i);
      Digest declared = null;
      long size = -1;
      String mediaType = null;
      Matcher m = BLOB_PATH.matcher(path);
      if (m.matches()) {
        try {
          declared = Digest.parse(m.group(1) + ":" + m.group(2));
        } catch (IllegalArgumentException ex) {
          declared = null;
        }
      }
      if (descs != null) {
        Descriptor d = descs.get(i);
        if (declared == null || declared.equals(d.digest)) {
          declared = d.digest;
          size = d.size;
          mediaType = d.mediaType;
        }
      }
      ArchiveLayer layer =
          new ArchiveLayer(store, i, path, diffIds.get(i), declared, size, mediaType);
      if (!dev.ocisquash.model.MediaTypes.isForeignLayer(mediaType)) {
        layer.checkPresent(); // fail early, before any output is written
      }
      layers.add(layer);
    }
    return new ArchiveImage(
        store,
        ArchiveFamily.DOCKER,
        e.config(),
        e.configDigest(),
        e.configSize,
        manifest,
        e.tags,
        layers);
  }

  private @Nullable ObjectNode findManifest(Entry e) throws IOException {
    if (!store.exists("index.json")) {
      return null;
    }
    OciReader oci = new OciReader(store);
    for (OciReader.Candidate c : oci.candidates()) {
      if (!c.present) {
        continue;
      }
      ObjectNode m = oci.loadManifest(c.desc);
      DescriptorJson config = new ManifestJson(m).config();
      if (config != null && e.configDigest().toString().equals(config.digestText())) {
        return m.deepCopy();
      }
    }
    return null;
  }
}
