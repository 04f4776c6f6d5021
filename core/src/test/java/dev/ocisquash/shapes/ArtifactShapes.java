package dev.ocisquash.shapes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layouts in which artifacts sit beside the image: {@code cosign save}, oras (OCI 1.1), a Helm
 * chart, a BuildKit attestation, SBOMs and a WASM module; and layouts of artifacts only.
 *
 * <p>Followed, each at the commit named:
 *
 * <ul>
 *   <li>sigstore/cosign@d6d86c224e5899b54f56cbb063b79dc43abc11c2 pkg/oci/layout/write.go ({@code
 *       WriteSignedImage}: {@code layout.Write(empty.Index)}, then {@code AppendImage} of the
 *       image, the signatures and the attestations, each with the annotation {@code kind} from
 *       pkg/oci/layout/index.go, no ref names; attachments such as SBOMs are not saved, a TODO
 *       there), pkg/oci/empty/empty.go (signature images: OCI manifest and config types),
 *       pkg/types/media.go and pkg/oci/static/signature.go (layer types and the {@code
 *       dev.cosignproject.cosign/signature} annotation); go-containerregistry writes the layout as
 *       in {@link GgcrShapes}
 *   <li>oras-project/oras-go@19db72b1264dc2d253c9e4bee41dff2184904246 pack.go ({@code
 *       packManifestV1_1}: artifactType, the empty config descriptor with {@code data}, {@code
 *       org.opencontainers.image.created}; {@code pushManifest} copies artifactType and annotations
 *       to the descriptor) and content/oci/oci.go ({@code saveIndex}: tagged entries with ref.name,
 *       untagged referrers without; {@code writeIndexFile} compact; oci-layout compact)
 *   <li>helm/helm@e9b85e4de16ad45805843fb121748018cf89094b pkg/registry/client.go ({@code Push},
 *       {@code tagManifest}: a manifest without mediaType, config
 *       application/vnd.cncf.helm.config.v1+json, chart layer
 *       application/vnd.cncf.helm.chart.content.v1.tar+gzip) and pkg/registry/constants.go,
 *       chart.go (annotations)
 *   <li>moby/buildkit@73ed6825c4b7569379ef89df0aedcdbe64473d31 exporter/containerimage/writer.go
 *       (attestation manifest: image config type, application/vnd.in-toto+json layers with
 *       in-toto.io/predicate-type; the index entry with platform unknown/unknown and
 *       vnd.docker.reference.type = attestation-manifest, util/attestation/types.go)
 * </ul>
 */
public final class ArtifactShapes {
  static final String COSIGN = "sigstore/cosign@d6d86c224e5899b54f56cbb063b79dc43abc11c2";
  static final String ORAS = "oras-project/oras-go@19db72b1264dc2d253c9e4bee41dff2184904246";
  static final String HELM = "helm/helm@e9b85e4de16ad45805843fb121748018cf89094b";
  static final String BUILDKIT = "moby/buildkit@73ed6825c4b7569379ef89df0aedcdbe64473d31";
  static final String EMPTY = "application/vnd.oci.empty.v1+json";

  private ArtifactShapes() {}

  /**
   * A go-containerregistry config (ConfigFile of empty.Image plus one layer), as cosign's signature
   * images have.
   */
  static byte[] ggcrEmptyConfig(byte[] payload) {
    return ("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
            + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + Blobs.digest(payload)
            + "\"]},\"config\":{}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An image of one non-filesystem layer (cosign sig/att/sbom); returns the manifest bytes, blobs
   * added.
   */
  static byte[] cosignImage(
      Entries e, String layerType, byte[] payload, Map<String, String> layerAnn) {
    byte[] config = ggcrEmptyConfig(payload);
    ObjectNode m = Blobs.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", GgcrShapes.OCI_MANIFEST);
    m.set("config", Blobs.desc(GgcrShapes.OCI_CONFIG, config, true));
    ObjectNode l = Blobs.desc(layerType, payload, true);
    ObjectNode a = l.putObject("annotations");
    layerAnn.forEach(a::put);
    m.putArray("layers").add(l);
    e.put("blobs/sha256/" + Blobs.hex(payload), payload);
    e.put("blobs/sha256/" + Blobs.hex(config), config);
    byte[] raw = Blobs.go(m);
    e.put("blobs/sha256/" + Blobs.hex(raw), raw);
    return raw;
  }

  /**
   * {@code cosign save}: image, signatures and attestations; with {@code sbom}, also a crane-pulled
   * .sbom tag.
   */
  public static Shape cosignSave(SampleImage img, Path out, boolean sbom) throws IOException {
    Entries e = GgcrShapes.emptyLayout();
    ObjectNode index = GgcrShapes.index();
    byte[] image = GgcrShapes.dockerImage(e, img, img.config());
    String tag = "sha256-" + Blobs.hex(image);
    GgcrShapes.append(
        e,
        index,
        GgcrShapes.imageDescriptor(
            image,
            GgcrShapes.DOCKER_MANIFEST,
            GgcrShapes.DOCKER_CONFIG,
            Map.of("kind", "dev.cosignproject.cosign/image")));
    byte[] payload =
        ("{\"critical\":{\"identity\":{\"docker-reference\":\"example.com/app\"},\"image\":{\"docker-"
                + "manifest-digest\":\""
                + Blobs.digest(image)
                + "\"},\"type\":\"cosign container image signature\"},"
                + "\"optional\":null}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] sig =
        cosignImage(
            e,
            "application/vnd.dev.cosign.simplesigning.v1+json",
            payload,
            Map.of("dev.cosignproject.cosign/signature", "MEUCIQDxexample"));
    GgcrShapes.append(
        e,
        index,
        GgcrShapes.imageDescriptor(
            sig,
            GgcrShapes.OCI_MANIFEST,
            GgcrShapes.OCI_CONFIG,
            Map.of("kind", "dev.cosignproject.cosign/sigs")));
    byte[] env =
        "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] att =
        cosignImage(
            e,
            "application/vnd.dsse.envelope.v1+json",
            env,
            Map.of("predicateType", "https://slsa.dev/provenance/v0.2"));
    GgcrShapes.append(
        e,
        index,
        GgcrShapes.imageDescriptor(
            att,
            GgcrShapes.OCI_MANIFEST,
            GgcrShapes.OCI_CONFIG,
            Map.of("kind", "dev.cosignproject.cosign/atts")));
    Map<String, String> refs = new LinkedHashMap<>();
    if (sbom) {
      // cosign attach sbom, then crane pull --format oci --annotate-ref of the .sbom, .sig and .att
      // tags into the same
      // layout: the .sig and .att manifests are the ones cosign save wrote (same digest), now also
      // named
      String repo = "example.com/app:" + tag;
      byte[] doc =
          "{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\"}"
              .getBytes(StandardCharsets.UTF_8);
      byte[] s = cosignImage(e, "text/spdx+json", doc, Map.of());
      GgcrShapes.append(
          e,
          index,
          GgcrShapes.imageDescriptor(
              s,
              GgcrShapes.OCI_MANIFEST,
              GgcrShapes.OCI_CONFIG,
              Map.of("org.opencontainers.image.ref.name", repo + ".sbom")));
      GgcrShapes.append(
          e,
          index,
          GgcrShapes.imageDescriptor(
              sig,
              GgcrShapes.OCI_MANIFEST,
              GgcrShapes.OCI_CONFIG,
              Map.of("org.opencontainers.image.ref.name", repo + ".sig")));
      GgcrShapes.append(
          e,
          index,
          GgcrShapes.imageDescriptor(
              att,
              GgcrShapes.OCI_MANIFEST,
              GgcrShapes.OCI_CONFIG,
              Map.of("org.opencontainers.image.ref.name", repo + ".att")));
      refs.put(repo + ".sbom", "an SPDX SBOM");
      refs.put(repo + ".sig", "a cosign signature");
      refs.put(repo + ".att", "a DSSE attestation");
    }
    String name = sbom ? "cosign-save-plus-crane-pulled-tags" : "cosign-save";
    Path dir = e.writeDir(out.resolve(name));
    return new Shape(
        "cosign save",
        name,
        dir,
        List.of(),
        true,
        refs,
        null,
        COSIGN
            + " pkg/oci/layout/write.go, pkg/oci/layout/index.go; "
            + GgcrShapes.COMMIT
            + " pkg/v1/layout");
  }

  /** The OCI empty descriptor, in ocispec field order, with its inline data. */
  static ObjectNode emptyDescriptor() {
    ObjectNode d = Blobs.desc(EMPTY, "{}".getBytes(StandardCharsets.UTF_8), false);
    d.put("data", "e30=");
    return d;
  }

  /**
   * An oras-packed (or other) artifact manifest; blobs added; returns its index entry, tagged when
   * ref is set.
   */
  static ObjectNode artifact(
      Entries e,
      String artifactType,
      ObjectNode config,
      byte[] configBytes,
      String layerType,
      byte[] layer,
      ObjectNode subject,
      Map<String, String> manifestAnn,
      String ref) {
    ObjectNode m = Blobs.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", GgcrShapes.OCI_MANIFEST);
    if (artifactType != null) {
      m.put("artifactType", artifactType);
    }
    m.set("config", config);
    ObjectNode l = Blobs.desc(layerType, layer, false);
    l.putObject("annotations").put("org.opencontainers.image.title", "payload");
    m.putArray("layers").add(l);
    if (subject != null) {
      m.set("subject", subject);
    }
    ObjectNode ann = m.putObject("annotations");
    manifestAnn.forEach(ann::put);
    e.put("blobs/sha256/" + Blobs.hex(configBytes), configBytes);
    e.put("blobs/sha256/" + Blobs.hex(layer), layer);
    byte[] raw = Blobs.go(m);
    e.put("blobs/sha256/" + Blobs.hex(raw), raw);
    ObjectNode d = Blobs.desc(GgcrShapes.OCI_MANIFEST, raw, false);
    ObjectNode da = d.putObject("annotations");
    manifestAnn.forEach(da::put);
    if (ref != null) {
      da.put("org.opencontainers.image.ref.name", ref);
    }
    if (artifactType != null) {
      d.put("artifactType", artifactType);
    }
    return d;
  }

  /** An OCI image manifest (gzip layers), stored; returns its plain descriptor. */
  static ObjectNode ociImage(Entries e, SampleImage img) {
    ObjectNode m = Blobs.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", GgcrShapes.OCI_MANIFEST);
    m.set("config", Blobs.desc(GgcrShapes.OCI_CONFIG, img.config(), false));
    ArrayNode layers = m.putArray("layers");
    for (byte[] l : img.gzipLayers()) {
      layers.add(Blobs.desc(GgcrShapes.OCI_LAYER_GZIP, l, false));
      e.put("blobs/sha256/" + Blobs.hex(l), l);
    }
    e.put("blobs/sha256/" + Blobs.hex(img.config()), img.config());
    byte[] raw = Blobs.go(m);
    e.put("blobs/sha256/" + Blobs.hex(raw), raw);
    return Blobs.desc(GgcrShapes.OCI_MANIFEST, raw, false);
  }

  static Entries orasLayout() {
    Entries e = new Entries();
    e.add("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    return e;
  }

  static ObjectNode orasIndex(ArrayNode manifests) {
    ObjectNode idx = Blobs.object();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", GgcrShapes.OCI_INDEX);
    idx.set("manifests", manifests);
    return idx;
  }

  static final Map<String, String> CREATED =
      Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z");

  /**
   * {@code oras copy} of the image (tag latest) into an OCI layout, {@code oras attach} of an SBOM
   * to it (untagged referrer), {@code oras push} of a tagged artifact, and a Helm chart copied in
   * by tag; with {@code withImage} false, the Helm chart and the pushed artifact alone.
   */
  public static Shape orasLayout(SampleImage img, Path out, boolean withImage) throws IOException {
    Entries e = orasLayout();
    ArrayNode ms = Blobs.array();
    byte[] emptyBytes = "{}".getBytes(StandardCharsets.UTF_8);
    if (withImage) {
      ObjectNode image = ociImage(e, img);
      ObjectNode tagged = image.deepCopy();
      tagged.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
      ms.add(tagged);
      ObjectNode subject = image.deepCopy();
      ms.add(
          artifact(
              e,
              "application/vnd.example.sbom.v1+json",
              emptyDescriptor(),
              emptyBytes,
              "application/vnd.cyclonedx+json",
              "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8),
              subject,
              CREATED,
              null));
    }
    ms.add(
        artifact(
            e,
            "application/vnd.cyclonedx+json",
            emptyDescriptor(),
            emptyBytes,
            "application/vnd.cyclonedx+json",
            "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\"}"
                .getBytes(StandardCharsets.UTF_8),
            null,
            CREATED,
            "bom"));
    ms.add(
        artifact(
            e,
            "application/vnd.example.readme.v1",
            emptyDescriptor(),
            emptyBytes,
            "text/markdown",
            "# readme\n".getBytes(StandardCharsets.UTF_8),
            null,
            CREATED,
            "readme"));
    // Helm: no manifest mediaType, no artifactType
    byte[] chartConfig =
        "{\"name\":\"app\",\"version\":\"0.1.0\",\"apiVersion\":\"v2\"}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] chart = Blobs.gzip("Chart.yaml: name app".getBytes(StandardCharsets.UTF_8));
    ObjectNode hm = Blobs.object();
    hm.put("schemaVersion", 2);
    hm.set("config", Blobs.desc("application/vnd.cncf.helm.config.v1+json", chartConfig, false));
    hm.putArray("layers")
        .add(Blobs.desc("application/vnd.cncf.helm.chart.content.v1.tar+gzip", chart, false));
    ObjectNode ha = hm.putObject("annotations");
    ha.put("org.opencontainers.image.created", "2026-01-01T00:00:00Z");
    ha.put("org.opencontainers.image.title", "app");
    ha.put("org.opencontainers.image.version", "0.1.0");
    byte[] helm = Blobs.go(hm);
    e.put("blobs/sha256/" + Blobs.hex(chartConfig), chartConfig);
    e.put("blobs/sha256/" + Blobs.hex(chart), chart);
    e.put("blobs/sha256/" + Blobs.hex(helm), helm);
    ObjectNode hd = Blobs.desc(GgcrShapes.OCI_MANIFEST, helm, false);
    hd.putObject("annotations").put("org.opencontainers.image.ref.name", "0.1.0");
    ms.add(hd);
    e.add("index.json", Blobs.go(orasIndex(ms)));
    String name = withImage ? "oras-helm-beside-image" : "oras-helm-only";
    Path dir = e.writeDir(out.resolve(name));
    Map<String, String> refs = new LinkedHashMap<>();
    refs.put("0.1.0", "a Helm chart");
    refs.put("readme", "an OCI 1.1 artifact of type application/vnd.example.readme.v1");
    refs.put("bom", "application/vnd.cyclonedx+json");
    return new Shape(
        "oras / helm push",
        name,
        dir,
        List.of(),
        withImage,
        refs,
        withImage ? "oci:" + dir + ":latest" : null,
        ORAS + " pack.go, content/oci/oci.go; " + HELM + " pkg/registry/client.go");
  }

  /**
   * {@code docker buildx build --output type=oci} with provenance: an index of the image and its
   * attestation manifest (platform unknown/unknown), plus a WASM module (wasm-to-oci types) and an
   * SPDX SBOM tagged beside it.
   */
  public static Shape buildkitAttestations(SampleImage img, Path out) throws IOException {
    Entries e = orasLayout();
    ObjectNode image = ociImage(e, img);
    ObjectNode p = image.putObject("platform");
    p.put("architecture", img.architecture());
    p.put("os", img.os());
    byte[] stmt =
        ("{\"_type\":\"https://in-toto.io/Statement/v0.1\","
                + "\"predicateType\":\"https://slsa.dev/provenance/v0.2\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] attConfig =
        ("{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + Blobs.digest(stmt)
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    ObjectNode am = Blobs.object();
    am.put("schemaVersion", 2);
    am.put("mediaType", GgcrShapes.OCI_MANIFEST);
    am.set("config", Blobs.desc(GgcrShapes.OCI_CONFIG, attConfig, false));
    ObjectNode al = Blobs.desc("application/vnd.in-toto+json", stmt, false);
    al.putObject("annotations")
        .put("in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2");
    am.putArray("layers").add(al);
    byte[] att = Blobs.go(am);
    e.put("blobs/sha256/" + Blobs.hex(stmt), stmt);
    e.put("blobs/sha256/" + Blobs.hex(attConfig), attConfig);
    e.put("blobs/sha256/" + Blobs.hex(att), att);
    ObjectNode ad = Blobs.desc(GgcrShapes.OCI_MANIFEST, att, false);
    ObjectNode aa = ad.putObject("annotations");
    aa.put("vnd.docker.reference.digest", image.get("digest").asText());
    aa.put("vnd.docker.reference.type", "attestation-manifest");
    ObjectNode ap = ad.putObject("platform");
    ap.put("architecture", "unknown");
    ap.put("os", "unknown");
    byte[] idx = Blobs.go(orasIndex(Blobs.array().add(image).add(ad)));
    e.put("blobs/sha256/" + Blobs.hex(idx), idx);
    ObjectNode top = Blobs.desc(GgcrShapes.OCI_INDEX, idx, false);
    top.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
    ArrayNode ms = Blobs.array().add(top);
    byte[] wasmConfig = "{\"created\":\"2026-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
    ObjectNode wc = Blobs.desc("application/vnd.wasm.config.v0+json", wasmConfig, false);
    ms.add(
        artifact(
            e,
            null,
            wc,
            wasmConfig,
            "application/vnd.wasm.content.layer.v1+wasm",
            new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0},
            null,
            Map.of(),
            "wasm"));
    byte[] spdx = "{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8);
    ms.add(
        artifact(
            e,
            "application/spdx+json",
            emptyDescriptor(),
            "{}".getBytes(StandardCharsets.UTF_8),
            "text/spdx+json",
            spdx,
            null,
            Map.of(),
            "sbom"));
    e.add("index.json", Blobs.go(orasIndex(ms)));
    Path dir = e.writeDir(out.resolve("buildx-oci-attestations"));
    return new Shape(
        "docker buildx --output type=oci (BuildKit)",
        "buildx-oci-attestations",
        dir,
        List.of(),
        true,
        Map.of("wasm", "a WASM module", "sbom", "application/spdx+json"),
        "oci:" + dir + ":latest",
        BUILDKIT + " exporter/containerimage/writer.go, util/attestation/types.go");
  }
}
