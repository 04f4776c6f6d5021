package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.model.MediaTypes;

/**
 * Tells a runnable image manifest from an artifact stored beside it in the same layout: cosign signatures,
 * attestations and SBOMs ({@code sha256-<hex>.sig/.att/.sbom} tags, written by {@code cosign save} or {@code crane
 * pull}), and OCI 1.1 artifacts. A pure decision on the JSON documents; no I/O.
 *
 * <p>Rule, first match wins:
 *
 * <ol>
 *   <li>an {@code artifactType}, on the index entry or on the manifest: an OCI 1.1 artifact;
 *   <li>a {@code subject}: the manifest refers to another one (a signature, attestation or SBOM referrer);
 *   <li>a config media type other than an image config (OCI or Docker), such as {@code
 *       application/vnd.oci.empty.v1+json}: not an image;
 *   <li>a layer whose media type is not a tar filesystem layer (cosign's {@code simplesigning}, in-toto {@code
 *       dsse.envelope}, {@code text/spdx+json}): its layers are not files to unpack.
 * </ol>
 *
 * Names are never used: a tag ending in {@code .sig} is a convention, and the content decides.
 */
final class ArtifactRule {
  private ArtifactRule() {}

  /**
   * Why the manifest is not a runnable image, or null when it is one.
   *
   * @param indexEntry the descriptor that pointed at the manifest (an index entry), may be null
   * @param manifest the manifest document
   */
  static String whyNotAnImage(JsonNode indexEntry, JsonNode manifest) {
    String type = text(indexEntry, "artifactType");
    if (type == null) {
      type = text(manifest, "artifactType");
    }
    if (type != null) {
      return "artifact of type " + type;
    }
    if (manifest.has("subject") && manifest.get("subject").isObject()) {
      return "refers to " + manifest.get("subject").path("digest").asText("another manifest")
          + " (a signature, attestation or SBOM)";
    }
    String configType = manifest.path("config").path("mediaType").asText(null);
    if (configType != null
        && !MediaTypes.OCI_CONFIG.equals(configType)
        && !MediaTypes.DOCKER_CONFIG.equals(configType)) {
      return "config media type " + configType + " is not an image config";
    }
    for (JsonNode layer : manifest.path("layers")) {
      String layerType = layer.path("mediaType").asText(null);
      if (layerType != null && !MediaTypes.isFilesystemLayer(layerType)) {
        return "layer media type " + layerType + " is not a filesystem layer";
      }
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }
}
