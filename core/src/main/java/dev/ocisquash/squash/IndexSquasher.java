package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.IndexJson;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Squashes every image of a multi-platform index in a registry ({@code --all-platforms}) and pushes
 * a new index: each image is squashed with the same options and pushed by digest only; then the
 * index, which keeps the original's fields, annotations and platforms but lists the squashed
 * manifests, is pushed by digest and tagged. Entries that are not images (attestations, signatures)
 * are left out, as they describe the old manifests. The tag moves only after everything is in the
 * registry.
 */
public final class IndexSquasher {
  private IndexSquasher() {}

  /**
   * What an index squash did: one result per platform, in index order, and the new index's digest.
   */
  public record Result(Map<String, SquashResult> byPlatform, Digest indexDigest) {}

  /**
   * Runs the squash for every image of the index {@code options.inputRef()} names, pushing to
   * {@code options.outputRef()}.
   *
   * @throws ImageException when input or output is not a registry, the input is not an index, or
   *     any squash fails
   */
  public static Result squashAll(SquashOptions options) throws IOException {
    ImageRef in = options.inputRef();
    ImageRef out = options.outputRef();
    if (in == null || out == null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          "--all-platforms reads an index from a registry and pushes one: IN and -o must both"
              + " be docker:// references");
    }
    if (out.tag() == null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          out + ": the squashed index gets a new digest; name the output with a tag");
    }
    Map<String, SquashResult> results = new LinkedHashMap<>();
    Map<Digest, Digest> squashed = new LinkedHashMap<>();
    List<ImageArchives.IndexImage> images = ImageArchives.indexImages(in, options.registry());
    try (RegistryClient src = RegistryClient.connect(in, options.registry())) {
      RegistryClient.Manifest top =
          src.manifest(
              in.repository(),
              Objects.requireNonNull(
                  in.reference(), "indexImages refuses a ref without a reference"));
      if (!MediaTypes.isIndex(top.mediaType())) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            in + ": --all-platforms needs an index (a multi-platform image); this is one image");
      }
      ImageRef untagged = new ImageRef(out.registry(), out.repository(), null, null);
      for (ImageArchives.IndexImage image : images) {
        ImageRef one =
            new ImageRef(in.registry(), in.repository(), null, image.digest().toString());
        SquashOptions each =
            options.toBuilder().input(one).output(untagged).selector(ImageSelector.any()).build();
        SquashResult r;
        try {
          r = Squasher.squash(each);
        } catch (ImageException e) {
          throw new ImageException(
              e.kind(), "platform " + image.platform() + ": " + e.getMessage(), e);
        }
        results.put(image.platform() == null ? image.digest().toString() : image.platform(), r);
        squashed.put(image.digest(), r.manifestDigest());
      }
      IndexJson index = new IndexJson((ObjectNode) Json.parse(top.bytes()));
      index.setMediaType(MediaTypes.OCI_INDEX);
      ArrayNode entries = Json.array();
      try (RegistryClient dst = RegistryClient.connect(out, options.registry())) {
        dst.need(out.repository(), "pull,push");
        JsonNode listed = index.manifestsNode();
        for (JsonNode e : listed == null ? Json.array() : listed) {
          DescriptorJson entry = DescriptorJson.of(e);
          String listedDigest = entry == null ? null : entry.digestText();
          Digest old = Digest.parse(listedDigest == null ? "" : listedDigest);
          Digest now = squashed.get(old);
          if (now == null || entry == null) { // entry is there: parse("") throws
            continue;
          }
          entries.add(
              entry
                  .withTarget(MediaTypes.OCI_MANIFEST, now, dst.manifestSize(out.repository(), now))
                  .json());
        }
        index.setManifests(entries);
        byte[] bytes = Json.canonicalBytes(index.json());
        Digest digest = Digest.parse("sha256:" + java.util.HexFormat.of().formatHex(sha256(bytes)));
        dst.putManifest(out.repository(), digest.toString(), bytes, MediaTypes.OCI_INDEX);
        dst.putManifest(out.repository(), out.tag(), bytes, MediaTypes.OCI_INDEX);
        return new Result(results, digest);
      }
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
