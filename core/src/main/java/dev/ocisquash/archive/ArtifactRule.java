package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.ManifestJson;
import dev.ocisquash.model.MediaTypes;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Tells a runnable image manifest from an artifact stored beside it in the same layout (cosign
 * signatures, attestations, SBOMs, Helm charts, WASM modules, OCI 1.1 artifacts). A pure decision
 * on the manifest document; no I/O. This is the one place the rule is written down.
 *
 * <p><b>The rule.</b> A manifest is an <em>image</em> when its config is an image config (OCI
 * {@code application/vnd.oci.image.config.v1+json} or Docker {@code
 * application/vnd.docker.container.image.v1+json}; a missing config media type is taken as one) and
 * every layer is a filesystem layer (tar, tar+gzip or tar+zstd, OCI or Docker, the
 * non-distributable and foreign variants included: {@link MediaTypes#isFilesystemLayer}). Anything
 * else is an artifact. Nothing else counts:
 *
 * <ul>
 *   <li>{@code artifactType}, on the index entry or on the manifest, is only used to name an
 *       artifact. It never makes an image an artifact: go-containerregistry's {@code
 *       partial.Descriptor} (pkg/v1/partial/with.go, lines 331-348 at commit
 *       d8112ef04b005c504291a83b3643e2bd089229e7) copies the config's media type into the {@code
 *       artifactType} of every index entry that {@code layout.Write}, {@code crane pull --format
 *       oci} and ko write, images included.
 *   <li>A {@code subject} only says the manifest refers to another one; cosign's and oras's
 *       referrers are artifacts by their config or layers already.
 *   <li>Names are never used: a tag ending in {@code .sig} is a convention; the content decides.
 * </ul>
 *
 * <p><b>Sources.</b> image-spec v1.1 {@code manifest.md} (the {@code config.mediaType}, {@code
 * layers} and {@code subject} properties and "Guidelines for Artifact Usage", commit
 * 716f83bc84950c817be673adc23346a5b792f3fc) and {@code artifacts-guidance.md}: an artifact sets
 * {@code config.mediaType} to its own type or to the empty descriptor ({@code
 * application/vnd.oci.empty.v1+json}, then with {@code artifactType}); an image is content whose
 * config a runtime converts (conversion.md). What writers do: cosign keeps an image config but its
 * layers are {@code application/vnd.dev.cosign.simplesigning.v1+json} (signatures), {@code
 * application/vnd.dsse.envelope.v1+json} (attestations) or an SBOM type; BuildKit attestations
 * carry {@code application/vnd.in-toto+json} layers; oras writes the empty config with an {@code
 * artifactType}; Helm writes {@code application/vnd.cncf.helm.config.v1+json}; wasm-to-oci writes
 * {@code application/vnd.wasm.config.v0+json} with {@code
 * application/vnd.wasm.content.layer.v1+wasm} layers.
 */
final class ArtifactRule {
  /** What a known artifact media type (config or layer) is, for the message. */
  private static final Map<String, String> KNOWN =
      Map.ofEntries(
          Map.entry("application/vnd.dev.cosign.simplesigning.v1+json", "a cosign signature"),
          Map.entry("application/vnd.dsse.envelope.v1+json", "a DSSE attestation"),
          Map.entry("application/vnd.in-toto+json", "an in-toto attestation"),
          Map.entry("text/spdx+json", "an SPDX SBOM"),
          Map.entry("text/spdx", "an SPDX SBOM"),
          Map.entry("application/spdx+json", "an SPDX SBOM"),
          Map.entry("application/vnd.cyclonedx+json", "a CycloneDX SBOM"),
          Map.entry("application/vnd.cyclonedx+xml", "a CycloneDX SBOM"),
          Map.entry("application/vnd.cyclonedx", "a CycloneDX SBOM"),
          Map.entry("application/vnd.cncf.helm.config.v1+json", "a Helm chart"),
          Map.entry("application/vnd.cncf.helm.chart.content.v1.tar+gzip", "a Helm chart"),
          Map.entry("application/vnd.wasm.config.v0+json", "a WASM module"),
          Map.entry("application/vnd.wasm.content.layer.v1+wasm", "a WASM module"),
          Map.entry("application/vnd.oci.empty.v1+json", "an OCI 1.1 artifact"));

  private ArtifactRule() {}

  /**
   * Why the manifest is not a runnable image, or null when it is one: what the artifact is and the
   * media type that shows it, for example {@code a cosign signature (layer media type
   * application/vnd.dev.cosign.simplesigning.v1+json is not a filesystem layer)}.
   *
   * @param indexEntry the descriptor that pointed at the manifest (an index entry), may be null;
   *     only its {@code artifactType} is read, to name an artifact
   * @param manifest the manifest document
   */
  static @Nullable String whyNotAnImage(@Nullable JsonNode indexEntry, JsonNode manifest) {
    String evidence = null;
    String what = null;
    ManifestJson m = ManifestJson.of(manifest);
    DescriptorJson config = m == null ? null : m.config();
    String configType = config == null ? null : nonEmpty(config.mediaType());
    if (configType != null
        && !MediaTypes.OCI_CONFIG.equals(configType)
        && !MediaTypes.DOCKER_CONFIG.equals(configType)) {
      evidence = "config media type " + configType + " is not an image config";
      what = KNOWN.get(configType);
    }
    for (DescriptorJson layer : m == null ? List.<DescriptorJson>of() : m.layers()) {
      String layerType = nonEmpty(layer.mediaType());
      if (layerType != null && !MediaTypes.isFilesystemLayer(layerType)) {
        if (evidence == null) {
          evidence = "layer media type " + layerType + " is not a filesystem layer";
        }
        if (what == null) {
          what = KNOWN.get(layerType);
        }
      }
    }
    if (evidence == null) {
      return null;
    }
    String type = m == null ? null : nonEmpty(m.artifactType());
    DescriptorJson entry = DescriptorJson.of(indexEntry);
    if (type == null && entry != null) {
      type = nonEmpty(entry.artifactType());
    }
    if (type != null
        && KNOWN.containsKey(type)
        && (what == null || (configType != null && isEmpty(configType)))) {
      what = KNOWN.get(type); // an OCI 1.1 artifact says what it is in its artifactType
    } else if (what == null) {
      what = "an artifact";
    }
    return what + (type != null ? " of type " + type : "") + " (" + evidence + ")";
  }

  private static boolean isEmpty(String configType) {
    return "application/vnd.oci.empty.v1+json".equals(configType);
  }

  private static @Nullable String nonEmpty(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
