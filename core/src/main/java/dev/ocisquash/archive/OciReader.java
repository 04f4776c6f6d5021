package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.ConfigJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.IndexJson;
import dev.ocisquash.model.ManifestJson;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.model.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Reads one image from an OCI image layout (directory or oci-archive tar). */
final class OciReader {
  private static final int MAX_DEPTH = 8;

  /** One runnable manifest found by walking index.json. */
  static final class Candidate {
    final Descriptor desc;
    final List<String> fullNames = new ArrayList<>();
    final List<String> shortNames = new ArrayList<>();
    @Nullable Platform platform;
    boolean present;

    /**
     * Why this manifest is an artifact rather than an image; null for an image (or when its blob is
     * absent).
     */
    @Nullable String notAnImage;

    Candidate(Descriptor desc) {
      this.desc = desc;
    }

    String choice() {
      String ref =
          !fullNames.isEmpty()
              ? String.join(",", fullNames)
              : !shortNames.isEmpty() ? String.join(",", shortNames) : "-";
      return "ref="
          + ref
          + " platform="
          + (platform == null ? "?" : platform)
          + " digest="
          + desc.digest;
    }

    List<String> names() {
      return !fullNames.isEmpty() ? fullNames : shortNames;
    }
  }

  private final BlobStore store;
  private final String display;
  private final Map<String, ObjectNode> verified = new HashMap<>();

  OciReader(BlobStore store) {
    this.store = store;
    this.display = store.display();
  }

  /**
   * All manifests reachable from index.json that could be the wanted image (attestations left out).
   */
  List<Candidate> candidates() throws IOException {
    JsonNode index = Descriptor.readJson(store, "index.json");
    if (!index.isObject()) {
      throw Descriptor.bad(display, "index.json", "not a JSON object");
    }
    Map<Digest, Candidate> byDigest = new LinkedHashMap<>();
    walk(index, "index.json", null, null, byDigest, 0);
    List<Candidate> all = new ArrayList<>(byDigest.values());
    boolean anyPresent = false;
    for (Candidate c : all) {
      c.present = store.exists(c.desc.path());
      anyPresent |= c.present;
    }
    if (anyPresent) {
      // containerd saves only the current platform's blobs but keeps the full index: skip the
      // others.
      all.removeIf(c -> !c.present);
    }
    return all;
  }

  private void walk(
      JsonNode doc,
      String where,
      @Nullable String fullName,
      @Nullable String shortName,
      Map<Digest, Candidate> out,
      int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw Descriptor.bad(Kind.LIMIT_EXCEEDED, display, where, "image indexes nested too deeply");
    }
    JsonNode entries = new IndexJson((ObjectNode) doc).manifestsNode();
    if (entries != null && entries.isNull()) {
      // Docker 25+ saves an untagged image with "manifests": null (a nil Go slice): the index lists
      // nothing, and
      // manifest.json beside it names the image, as docker load and skopeo read it.
      return;
    }
    for (Descriptor d : Descriptor.list(display, where, entries, "manifests")) {
      String full = d.annotation(MediaTypes.ANNOTATION_CONTAINERD_NAME);
      String shortN = d.annotation(MediaTypes.ANNOTATION_REF_NAME);
      if (full == null && shortN == null) {
        full = fullName;
        shortN = shortName;
      }
      Platform p = d.platform();
      if ((p != null && p.isAttestation())
          || "attestation-manifest".equals(d.annotation("vnd.docker.reference.type"))) {
        continue;
      }
      if (MediaTypes.isIndex(d.mediaType)) {
        if (store.exists(d.path())) {
          ObjectNode child = Descriptor.readBlobJson(store, d, "index", verified);
          walk(child, d.path(), full, shortN, out, depth + 1);
        }
        continue;
      }
      if (d.mediaType != null && !MediaTypes.isManifest(d.mediaType)) {
        continue; // artifacts and other non-image content
      }
      Candidate c = out.computeIfAbsent(d.digest, k -> new Candidate(d));
      if (full != null && !c.fullNames.contains(full)) {
        c.fullNames.add(full);
      }
      if (shortN != null && !c.shortNames.contains(shortN)) {
        c.shortNames.add(shortN);
      }
      if (c.platform == null) {
        c.platform = p;
      }
    }
  }

  /**
   * Picks the image the selector names and loads it. Signatures, attestations, SBOMs and other
   * artifacts that share the layout (see {@link ArtifactRule}) are never picked by themselves;
   * {@code --ref} still reaches them, and then the error says what they are.
   */
  ArchiveImage read(ImageSelector selector) throws IOException {
    List<Candidate> all = candidates();
    if (all.isEmpty()) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(display, null, null, "index.json lists no image manifests"));
    }
    List<Candidate> images = new ArrayList<>();
    List<Candidate> artifacts = new ArrayList<>();
    split(all, images, artifacts);
    List<Candidate> chosen;
    if (selector.ref() != null) {
      chosen = new ArrayList<>(all);
      chosen.removeIf(c -> !RefNames.matches(selector.ref(), c.fullNames, c.shortNames));
    } else {
      chosen = new ArrayList<>(images);
    }
    if (selector.platform() != null) {
      Platform wanted = parsePlatform(display, selector.platform());
      List<Candidate> keep = new ArrayList<>();
      for (Candidate c : chosen) {
        if (wanted.matches(c.platform)) {
          keep.add(c);
        }
      }
      chosen = keep;
    }
    if (images.isEmpty() && chosen.isEmpty()) {
      List<String> lines = new ArrayList<>();
      for (Candidate c : artifacts) {
        lines.add(c.choice() + ": " + c.notAnImage);
      }
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT,
          ImageException.where(
              display, null, null, "holds no image, only artifacts: " + String.join("; ", lines)));
    }
    Candidate pick =
        single(display, selector, chosen, images.isEmpty() ? all : images, Candidate::choice);
    if (pick.notAnImage != null) {
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT,
          ImageException.where(
              display,
              null,
              null,
              "ref "
                  + selector.ref()
                  + " names "
                  + pick.desc.digest
                  + ", which is not an image: "
                  + pick.notAnImage));
    }
    ObjectNode manifest = loadManifest(pick.desc);
    return load(manifest, pick.names());
  }

  /** The images (not artifacts) reachable from index.json, each with its platform. */
  List<Candidate> images() throws IOException {
    List<Candidate> images = new ArrayList<>();
    split(candidates(), images, new ArrayList<>());
    images.removeIf(c -> !c.present);
    return images;
  }

  /**
   * Sorts candidates into images and artifacts (see {@link ArtifactRule}), and fills in the
   * platform of images whose index entry has none.
   */
  private void split(List<Candidate> all, List<Candidate> images, List<Candidate> artifacts)
      throws IOException {
    for (Candidate c : all) {
      if (c.present) {
        c.notAnImage = ArtifactRule.whyNotAnImage(c.desc.node, loadManifest(c.desc));
      }
      (c.notAnImage == null ? images : artifacts).add(c);
    }
    for (Candidate c : images) {
      if (c.platform == null && c.present) {
        // single-image layouts often omit the platform from the index (go-containerregistry writes
        // no
        // "platform" for a single image); the config has it, as containerd reads it
        c.platform = new ConfigJson(loadConfig(loadManifest(c.desc))).platform();
      }
    }
  }

  static Platform parsePlatform(String display, String text) throws ImageException {
    try {
      return Platform.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          ImageException.where(
              display, null, null, Objects.requireNonNullElse(e.getMessage(), "invalid platform")));
    }
  }

  /** Returns the one element of {@code chosen}, or throws listing the choices. */
  static <T> T single(
      String display,
      ImageSelector sel,
      List<T> chosen,
      List<T> all,
      java.util.function.Function<T, String> fmt)
      throws ImageException {
    if (chosen.size() == 1) {
      return chosen.get(0);
    }
    List<String> lines = new ArrayList<>();
    for (T t : chosen.isEmpty() ? all : chosen) {
      lines.add(fmt.apply(t));
    }
    String problem;
    if (chosen.isEmpty()) {
      problem =
          "no image matches"
              + (sel.ref() != null ? " ref=" + sel.ref() : "")
              + (sel.platform() != null ? " platform=" + sel.platform() : "")
              + "; available: ";
    } else {
      problem = chosen.size() + " images match; choose one with --ref and/or --platform: ";
    }
    throw new ImageException(
        Kind.INVALID_ARGUMENT,
        ImageException.where(display, null, null, problem + String.join("; ", lines)));
  }

  ObjectNode loadManifest(Descriptor d) throws IOException {
    return Descriptor.readBlobJson(store, d, "manifest", verified);
  }

  ObjectNode loadConfig(ObjectNode manifest) throws IOException {
    Descriptor cfg = Descriptor.parse(display, "manifest", new ManifestJson(manifest).configNode());
    return Descriptor.readBlobJson(store, cfg, "config", verified);
  }

  /** Builds the image from a verified manifest. */
  ArchiveImage load(ObjectNode manifest, List<String> names) throws IOException {
    ManifestJson view = new ManifestJson(manifest);
    Descriptor cfgDesc = Descriptor.parse(display, "manifest", view.configNode());
    ObjectNode config = Descriptor.readBlobJson(store, cfgDesc, "config", verified);
    List<Descriptor> layerDescs = Descriptor.list(display, "manifest", view.layersNode(), "layers");
    List<Digest> diffIds =
        diffIds(display, cfgDesc.path(), new ConfigJson(config), layerDescs.size());
    List<SourceLayer> layers = new ArrayList<>();
    for (int i = 0; i < layerDescs.size(); i++) {
      Descriptor l = layerDescs.get(i);
      if (l.mediaType != null && !dev.ocisquash.model.MediaTypes.isFilesystemLayer(l.mediaType)) {
        // An artifact (signature, SBOM, wasm module, ...) is not a tar of files: squashing it would
        // be guesswork.
        throw new ImageException(
            Kind.UNSUPPORTED_INPUT,
            ImageException.where(
                display,
                "layer " + i + " (" + l.digest + ")",
                null,
                "unsupported layer media type " + l.mediaType + " (not a filesystem layer)"));
      }
      ArchiveLayer layer =
          new ArchiveLayer(store, i, l.path(), diffIds.get(i), l.digest, l.size, l.mediaType);
      if (!dev.ocisquash.model.MediaTypes.isForeignLayer(l.mediaType)) {
        layer.checkPresent(); // fail early, before any output is written
      }
      layers.add(layer);
    }
    return new ArchiveImage(
        store,
        ArchiveFamily.OCI,
        config,
        cfgDesc.digest,
        cfgDesc.size,
        manifest.deepCopy(),
        names,
        layers);
  }

  /** rootfs.diff_ids of a config, which must have one per layer. */
  static List<Digest> diffIds(String display, String where, ConfigJson config, int layerCount)
      throws ImageException {
    JsonNode arr = config.diffIdsNode();
    if (arr == null || !arr.isArray()) {
      throw Descriptor.bad(display, where, "config has no rootfs.diff_ids");
    }
    if (arr.size() != layerCount) {
      throw Descriptor.bad(
          display,
          where,
          "config lists " + arr.size() + " diff_ids but the image has " + layerCount + " layers");
    }
    List<Digest> out = new ArrayList<>();
    for (JsonNode n : arr) {
      try {
        out.add(Digest.parse(n.asText()));
      } catch (IllegalArgumentException e) {
        throw Descriptor.bad(display, where, "rootfs.diff_ids: " + e.getMessage());
      }
    }
    return out;
  }
}
