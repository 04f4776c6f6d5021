package dev.ocisquash.archive;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryClient;
import dev.ocisquash.registry.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opens image inputs. The kind of input is detected from its content, never from its name:
 *
 * <ul>
 *   <li>a directory with {@code oci-layout} and {@code index.json} is an OCI layout (a directory
 *       with {@code manifest.json} is read as an unpacked docker save, unless a {@code version}
 *       file marks it as written by the {@code dir:} transport of containers/image, see {@link
 *       DirTransportStore});
 *   <li>a file starting with gzip or zstd magic is decompressed once to a temporary file in {@code
 *       java.io.tmpdir}, which is deleted when the returned image is closed; it is then read as a
 *       plain tar;
 *   <li>a plain tar is indexed in one pass over its headers and read in place. If it holds {@code
 *       manifest.json} it is a docker archive (this covers Docker 25+, which also writes an OCI
 *       layout), otherwise {@code index.json} plus {@code oci-layout} make it an oci-archive.
 * </ul>
 *
 * The input is never modified, and reading streams: memory does not grow with blob sizes.
 */
public final class ImageArchives {
  private ImageArchives() {}

  /**
   * Opens the image that {@code selector} picks from {@code input}.
   *
   * @throws ImageException when the input is not an image archive, is corrupt, or the selection is
   *     missing or ambiguous (the message lists the choices)
   */
  public static SourceImage open(Path input, ImageSelector selector) throws IOException {
    return open(input, selector, Limits.defaults(), TempFiles.none());
  }

  /**
   * Opens the image that {@code selector} picks from {@code input}. A compressed outer archive is
   * decompressed under {@code limits} (total bytes and ratio), and its temporary copy is registered
   * with {@code tempFiles} so a cancelled run can delete it.
   *
   * @throws ImageException as {@link #open(Path, ImageSelector)}, and when the outer archive
   *     exceeds a limit
   */
  public static SourceImage open(
      Path input, ImageSelector selector, Limits limits, TempFiles tempFiles) throws IOException {
    String display = input.toString();
    BlobStore store = null;
    Path temp = null;
    boolean ok = false;
    try {
      if (Files.isDirectory(input)) {
        store =
            DirTransportStore.isDirTransport(input)
                ? DirTransportStore.open(input, display)
                : new DirBlobStore(input, display);
      } else if (Files.isRegularFile(input)) {
        Path tar = input;
        Compression outer = sniffFile(input);
        if (outer != Compression.NONE) {
          try {
            temp = Files.createTempFile("ocisquash-input-", ".tar");
          } catch (IOException e) {
            throw ImageException.cannotWrite(display, "temporary file in java.io.tmpdir", e);
          }
          tempFiles.register(temp);
          decompressTo(input, outer, temp, display, limits);
          tar = temp;
        }
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(tar)) {
          n = in.readNBytes(head, 0, head.length);
        }
        if (!TarBlobStore.looksLikeTar(head, n)) {
          throw new ImageException(
              Kind.UNSUPPORTED_INPUT,
              ImageException.where(
                  display,
                  null,
                  null,
                  "not an image archive: neither a tar nor an OCI layout directory"));
        }
        store = TarBlobStore.open(tar, display);
      } else if (!Files.exists(input)) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            ImageException.where(display, null, null, "no such file or directory"));
      } else {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            ImageException.where(display, null, null, "not a regular file or directory"));
      }
      ArchiveImage image;
      if (store.exists("manifest.json")) {
        image = new DockerReader(store).read(selector);
      } else if (store.exists("index.json") && store.exists("oci-layout")) {
        image = new OciReader(store).read(selector);
      } else {
        throw new ImageException(
            Kind.UNSUPPORTED_INPUT,
            ImageException.where(
                display,
                null,
                null,
                "not an image archive: no manifest.json (docker archive), oci-layout and index.json (OCI) nor"
                    + " version (dir: transport)"));
      }
      image.deleteOnClose(temp);
      ok = true;
      return image;
    } catch (NoSuchFileException e) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(display, null, null, "no such file: " + e.getFile()),
          e);
    } finally {
      if (!ok) {
        if (store != null) {
          store.close();
        }
        if (temp != null) {
          Files.deleteIfExists(temp);
          tempFiles.unregister(temp);
        }
      }
    }
  }

  /**
   * Opens the image that {@code selector} picks from a registry: the manifest (or index) {@code
   * ref} names is fetched, then read as an OCI layout holding it; layer blobs are streamed from the
   * registry when read, never stored whole. {@code --platform} and {@code --ref} choose from an
   * index as they do from a layout.
   *
   * @throws ImageException when the registry cannot be reached, the reference is missing, or the
   *     selection is missing or ambiguous; the message names the registry, the repository and the
   *     step
   */
  public static SourceImage open(ImageRef ref, ImageSelector selector, RegistryOptions options)
      throws IOException {
    RegistryBlobStore.pullReference(ref);
    RegistryClient client = RegistryClient.connect(ref, options);
    RegistryBlobStore store = null;
    boolean ok = false;
    try {
      store = RegistryBlobStore.open(client, ref);
      ArchiveImage image = new OciReader(store).read(selector);
      ok = true;
      return image;
    } finally {
      if (!ok) {
        client.close();
      }
    }
  }

  /**
   * One image of an index in a registry: its manifest digest and platform ({@code
   * os/arch[/variant]}, or null).
   */
  public record IndexImage(Digest digest, @Nullable String platform) {}

  /**
   * The images (not signatures, attestations or other artifacts) that {@code ref} lists when it
   * names an index, or the one image it names otherwise.
   *
   * @throws ImageException when the registry cannot be read
   */
  public static List<IndexImage> indexImages(ImageRef ref, RegistryOptions options)
      throws IOException {
    RegistryBlobStore.pullReference(ref);
    try (RegistryClient client = RegistryClient.connect(ref, options)) {
      List<IndexImage> out = new ArrayList<>();
      for (OciReader.Candidate c : new OciReader(RegistryBlobStore.open(client, ref)).images()) {
        out.add(new IndexImage(c.desc.digest, c.platform == null ? null : c.platform.toString()));
      }
      return out;
    }
  }

  private static Compression sniffFile(Path file) throws IOException {
    return Codecs.sniff(Files.newInputStream(file));
  }

  private static void decompressTo(
      Path input, Compression c, Path temp, String display, Limits limits) throws IOException {
    try (InputStream fileIn = Files.newInputStream(input);
        OutputStream out = Files.newOutputStream(temp)) {
      VerifyingLayerStream.HashingInputStream raw =
          new VerifyingLayerStream.HashingInputStream(fileIn, "SHA-256");
      InputStream in;
      Limits.Meter meter = limits.newMeter();
      try {
        in = Codecs.decompress(raw, c);
        byte[] buf = new byte[64 * 1024];
        long produced = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          produced += n;
          // The outer archive is a bomb vector like any layer: check before writing, so the disk
          // never fills.
          meter.add(n, produced, raw.count, display, Codecs.name(c) + " outer archive");
          try {
            out.write(buf, 0, n);
          } catch (IOException e) {
            throw ImageException.cannotWrite(display, "temporary file " + temp, e);
          }
        }
      } catch (ImageException e) {
        throw e;
      } catch (IOException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        boolean truncated =
            e instanceof java.io.EOFException
                || msg.contains("Unexpected end")
                || msg.toLowerCase(java.util.Locale.ROOT).contains("truncated");
        throw new ImageException(
            Kind.CORRUPT_INPUT,
            ImageException.where(
                display,
                null,
                null,
                (truncated ? "truncated " : "corrupt ")
                    + Codecs.name(c)
                    + " archive"
                    + (truncated ? "" : " (" + VerifyingLayerStream.oneLine(msg) + ")")),
            e);
      }
    }
  }
}
