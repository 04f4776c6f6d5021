package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.DockerManifestJson;
import dev.ocisquash.model.IndexJson;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.ManifestJson;
import dev.ocisquash.model.MediaTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON documents of an output image, built but not written: the OCI manifest, {@code
 * index.json}, {@code oci-layout}, and docker's {@code manifest.json} and {@code repositories}.
 * Apart from {@link ImageWriter} so that what the documents say (and how names become tags) reads
 * apart from how the output is written, renamed and cleaned up. The caller serialises them
 * canonically.
 */
final class ImageDocuments {
  private ImageDocuments() {}

  /**
   * The OCI manifest of the image: config and layers in order, each layer's annotations on its
   * descriptor.
   *
   * @param template the input manifest or null; its fields other than those set here (annotations,
   *     unknown ones) are kept
   */
  static ObjectNode manifest(
      ObjectNode template, Digest configDigest, long configSize, List<OutputLayer> layers) {
    ManifestJson manifest = ManifestJson.newOci(configDigest, configSize);
    ObjectNode m = manifest.json();
    for (OutputLayer l : layers) {
      DescriptorJson d = manifest.addLayer(l.mediaType(), l.digest(), l.size());
      if (!l.annotations().isEmpty()) {
        ObjectNode a = d.annotations();
        l.annotations().forEach(a::put);
      }
    }
    if (template != null) {
      Iterator<Map.Entry<String, JsonNode>> it = template.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!m.has(e.getKey())) {
          m.set(e.getKey(), e.getValue().deepCopy());
        }
      }
    }
    return m;
  }

  /** The {@code oci-layout} file's document. */
  static ObjectNode ociLayout() {
    return Json.object().put("imageLayoutVersion", "1.0.0");
  }

  /** The path of a blob in the output: the same in every format. */
  static String blob(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex();
  }

  /**
   * {@code index.json}: one entry for the manifest, named {@code refName} as it is when given, else
   * after the first of {@code names} if any.
   */
  static ObjectNode index(
      Digest manifestDigest, long size, List<String> names, @Nullable String refName) {
    IndexJson idx = IndexJson.newOci();
    if (refName != null) {
      DescriptorJson d =
          DescriptorJson.add(idx.manifests(), MediaTypes.OCI_MANIFEST, manifestDigest, size);
      d.annotations().put(MediaTypes.ANNOTATION_REF_NAME, refName);
      return idx.json();
    }
    // One entry, named after the first name: tools that take "oci:DIR" without a ref (skopeo,
    // podman) refuse an
    // index with several entries, even for one manifest. A docker manifest.json keeps every
    // RepoTag.
    List<String> ns =
        names == null || names.isEmpty() ? Collections.singletonList(null) : names.subList(0, 1);
    for (String n : ns) {
      DescriptorJson d =
          DescriptorJson.add(idx.manifests(), MediaTypes.OCI_MANIFEST, manifestDigest, size);
      if (n != null) {
        ObjectNode a = d.annotations();
        a.put(MediaTypes.ANNOTATION_CONTAINERD_NAME, n);
        a.put(MediaTypes.ANNOTATION_REF_NAME, tagOf(n));
      }
    }
    return idx.json();
  }

  /** The tag of a name ({@code latest} when it has none): the OCI ref name form. */
  static String tagOf(String name) {
    String n = name;
    int at = n.indexOf('@');
    if (at >= 0) {
      n = n.substring(0, at);
    }
    int colon = n.lastIndexOf(':');
    return colon > n.lastIndexOf('/') ? n.substring(colon + 1) : "latest";
  }

  private static String repoOf(String name) {
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  private static List<String> repoTags(List<String> names) {
    List<String> out = new ArrayList<>();
    if (names != null) {
      for (String n : names) {
        if (n.contains("@")) {
          continue; // a digest reference cannot be a docker tag
        }
        out.add(repoOf(n) + ":" + tagOf(n));
      }
    }
    return out;
  }

  /**
   * Docker's {@code manifest.json}: the config, the layers and a RepoTag for every name not given
   * by digest.
   */
  static JsonNode dockerManifest(
      Digest configDigest, List<OutputLayer> layers, List<String> names) {
    ArrayNode arr = Json.array();
    List<String> paths = new ArrayList<>();
    for (OutputLayer l : layers) {
      paths.add(blob(l.digest()));
    }
    DockerManifestJson.add(arr, blob(configDigest), repoTags(names), paths);
    return arr;
  }

  /** Docker's {@code repositories}: each name's repository and tag pointing at the top layer. */
  static JsonNode repositories(List<OutputLayer> layers, List<String> names) {
    ObjectNode repos = Json.object();
    if (layers.isEmpty()) {
      return repos;
    }
    String top = layers.get(layers.size() - 1).digest().hex();
    Map<String, ObjectNode> byRepo = new LinkedHashMap<>();
    for (String t : repoTags(names)) {
      byRepo.computeIfAbsent(repoOf(t), r -> repos.putObject(r)).put(tagOf(t), top);
    }
    return repos;
  }
}
