package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.IndexJson;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.ManifestJson;
import dev.ocisquash.model.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A directory written by the {@code dir:} transport of containers/image ({@code skopeo copy ...
 * dir:DIR}, {@code podman save --format docker-dir}), seen as an OCI layout so that {@link
 * OciReader} reads it: {@code oci-layout} and {@code index.json} are made up, the index naming
 * {@code manifest.json} by its digest; {@code blobs/ALG/HEX} is {@code manifest.json} for that
 * digest, {@code HEX.manifest.json} for a manifest that an index in {@code manifest.json} lists,
 * and the file {@code HEX} for any other blob.
 *
 * <p>The layout follows containers/image v5.23.1 (skopeo 1.9, podman 4.3; commit
 * a3bfb8695c8e2a6ce73cb5957c646d2243299151), directory/directory_transport.go ({@code
 * manifestPath}, {@code layerPath}: {@code digest.Encoded()}, the hex alone) and
 * directory/directory_dest.go (the {@code version} file holds exactly {@code "Directory Transport
 * Version: 1.1\n"}). Version 1.0 named blobs {@code HEX.tar} (changed in commit 2f131cc1, 2018);
 * containers/image no longer reads it, and neither does this. A manifest without {@code mediaType}
 * is typed as manifest/manifest.go {@code GuessMIMEType} does: an index when it lists {@code
 * manifests}, else an OCI manifest.
 */
final class DirTransportStore implements BlobStore {
  static final String VERSION_PREFIX = "Directory Transport Version: ";
  static final String VERSION = VERSION_PREFIX + "1.1\n";

  private final DirBlobStore files;
  private final Digest top;
  private final byte[] indexJson;

  private DirTransportStore(DirBlobStore files, Digest top, byte[] indexJson) {
    this.files = files;
    this.top = top;
    this.indexJson = indexJson;
  }

  /**
   * True when {@code dir} holds a {@code version} file of the dir: transport (any version) and no
   * OCI layout.
   */
  static boolean isDirTransport(Path dir) throws IOException {
    Path version = dir.resolve("version");
    if (!Files.isRegularFile(version) || Files.exists(dir.resolve("oci-layout"))) {
      return false;
    }
    try (InputStream in = Files.newInputStream(version)) {
      byte[] head = in.readNBytes(VERSION_PREFIX.length());
      return new String(head, StandardCharsets.US_ASCII).equals(VERSION_PREFIX);
    }
  }

  /** Checks the version, reads {@code manifest.json} and sets up the layout view. */
  static DirTransportStore open(Path dir, String display) throws IOException {
    DirBlobStore files = new DirBlobStore(dir, display);
    boolean ok = false;
    try {
      String version = new String(files.readSmall("version", 256), StandardCharsets.UTF_8);
      if (!version.equals(VERSION)) {
        throw new ImageException(
            Kind.UNSUPPORTED_INPUT,
            ImageException.where(
                display,
                null,
                null,
                "version: dir: transport '"
                    + version.strip()
                    + "' is not supported, only '"
                    + VERSION.strip()
                    + "' (containers/image since 2018)"));
      }
      if (!files.exists("manifest.json")) {
        throw new ImageException(
            Kind.CORRUPT_INPUT,
            ImageException.where(display, null, null, "dir: transport without manifest.json"));
      }
      byte[] manifest = files.readSmall("manifest.json", Descriptor.JSON_LIMIT);
      JsonNode doc = Descriptor.parseJson(display, "manifest.json", manifest);
      if (!doc.isObject()) {
        throw Descriptor.bad(display, "manifest.json", "not a JSON object");
      }
      String type = mediaType(display, doc);
      Digest top = Descriptor.digestOf("sha256", manifest);
      IndexJson index = IndexJson.newOci();
      DescriptorJson.add(index.manifests(), type, top, manifest.length);
      DirTransportStore store =
          new DirTransportStore(files, top, Json.canonicalBytes(index.json()));
      ok = true;
      return store;
    } finally {
      if (!ok) {
        files.close();
      }
    }
  }

  private static String mediaType(String display, JsonNode doc) throws ImageException {
    ManifestJson view = new ManifestJson((ObjectNode) doc);
    String t = view.mediaType();
    if (t != null) {
      if (!MediaTypes.isIndex(t) && !MediaTypes.isManifest(t)) {
        throw Descriptor.bad(
            Kind.UNSUPPORTED_INPUT,
            display,
            "manifest.json",
            "manifest of type '"
                + t
                + "'; only OCI and Docker schema 2 images and indexes can be read");
      }
      return t;
    }
    if (view.schemaVersion().asInt() != 2) {
      throw Descriptor.bad(
          Kind.UNSUPPORTED_INPUT,
          display,
          "manifest.json",
          "schemaVersion "
              + view.schemaVersion()
              + "; only OCI and Docker schema 2 images and indexes can be"
              + " read (Docker schema 1 is not supported)");
    }
    return IndexJson.looksLikeIndex(doc) ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }

  /**
   * The file that holds {@code path} of the layout view, or null when the view has no such member.
   */
  private @Nullable String file(String path) throws IOException {
    Digest d = ArchivePaths.blobDigest(path);
    if (d == null) {
      return null;
    }
    if (d.equals(top)) {
      return "manifest.json";
    }
    String instance = d.hex() + ".manifest.json";
    return files.exists(instance) ? instance : d.hex();
  }

  private byte @Nullable [] fixed(String path) {
    if (path.equals("index.json")) {
      return indexJson;
    }
    if (path.equals("oci-layout")) {
      return Json.canonicalBytes(ImageDocuments.ociLayout());
    }
    return null;
  }

  private String require(String path) throws IOException {
    String f = file(path);
    if (f == null) {
      throw new ImageException(
          Kind.CORRUPT_INPUT, ImageException.where(display(), null, null, path + " is missing"));
    }
    return f;
  }

  @Override
  public boolean exists(String path) throws IOException {
    if (fixed(path) != null) {
      return true;
    }
    String f = file(path);
    return f != null && files.exists(f);
  }

  @Override
  public long size(String path) throws IOException {
    byte[] fixed = fixed(path);
    return fixed != null ? fixed.length : files.size(require(path));
  }

  @Override
  public InputStream open(String path) throws IOException {
    byte[] fixed = fixed(path);
    return fixed != null ? new ByteArrayInputStream(fixed) : files.open(require(path));
  }

  @Override
  public int read(String path, long position, ByteBuffer dst) throws IOException {
    return files.read(require(path), position, dst);
  }

  @Override
  public String display() {
    return files.display();
  }

  @Override
  public void close() throws IOException {
    files.close();
  }
}
