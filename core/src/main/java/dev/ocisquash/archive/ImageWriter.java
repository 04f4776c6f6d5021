package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.WriteFailures;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.Json;
import dev.ocisquash.model.MediaTypes;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryClient;
import dev.ocisquash.registry.RegistryOptions;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes an image as a docker-archive, an oci-archive or an OCI layout directory.
 *
 * <p>Output is reproducible: members in a fixed order, directories before their contents, mtime 0
 * (or the given epoch), uid/gid 0, mode 0644 for files and 0755 for directories, and JSON
 * serialised canonically. Output is atomic: everything goes to {@code .<name>.tmp-<random>} beside
 * the destination, which is renamed into place only when complete and deleted on any failure, so a
 * crash never leaves a half-written image under the real name.
 *
 * <p>{@link OutputFormat#DOCKER} is written the way Docker 25+ does: blobs under {@code
 * blobs/sha256/}, a {@code manifest.json} and {@code repositories} for docker/podman/skopeo
 * loaders, plus {@code index.json} and {@code oci-layout}, so the same file is also a valid OCI
 * layout carrying the real manifest.
 */
public final class ImageWriter {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ImageWriter() {}

  /**
   * Writes with mtime 0. See {@link #write(Path, OutputFormat, ObjectNode, ObjectNode, List, List,
   * long)}.
   */
  public static WrittenImage write(
      Path output,
      OutputFormat format,
      ObjectNode config,
      ObjectNode manifestTemplate,
      List<OutputLayer> layers,
      List<String> names)
      throws IOException {
    return write(output, format, config, manifestTemplate, layers, names, 0L);
  }

  /**
   * Writes the image.
   *
   * @param config the final config; the caller has set {@code rootfs.diff_ids}. It is serialised as
   *     is, once.
   * @param manifestTemplate the input manifest or null; its annotations and unknown fields are
   *     kept, while schemaVersion, mediaType, config and layers are replaced
   * @param layers bottom first
   * @param names image names such as {@code docker.io/library/foo:bar}; may be empty
   * @param mtimeEpochSeconds the modification time of every member
   * @throws ImageException when a copied layer does not match its digest or size, or an OCI_DIR
   *     destination exists
   */
  public static WrittenImage write(
      Path output,
      OutputFormat format,
      ObjectNode config,
      ObjectNode manifestTemplate,
      List<OutputLayer> layers,
      List<String> names,
      long mtimeEpochSeconds)
      throws IOException {
    return write(
        output,
        format,
        config,
        manifestTemplate,
        layers,
        names,
        mtimeEpochSeconds,
        TempFiles.none());
  }

  /**
   * Writes the image, registering the temporary output with {@code tempFiles} while it is being
   * written so that a cancelled run (SIGINT/SIGTERM) can delete it. Parameters as in {@link
   * #write(Path, OutputFormat, ObjectNode, ObjectNode, List, List, long)}.
   *
   * @throws ImageException also when the destination cannot be written (disk full, read-only, no
   *     such directory), naming the output and the system's reason
   */
  public static WrittenImage write(
      Path output,
      OutputFormat format,
      ObjectNode config,
      ObjectNode manifestTemplate,
      List<OutputLayer> layers,
      List<String> names,
      long mtimeEpochSeconds,
      TempFiles tempFiles)
      throws IOException {
    Objects.requireNonNull(config, "config");
    try (PendingImage image = begin(output, format, mtimeEpochSeconds, tempFiles)) {
      for (OutputLayer l : layers) {
        image.addLayer(l);
      }
      return image.finish(config, manifestTemplate, names);
    }
  }

  /**
   * Starts writing an image whose layers are added one at a time, in order, before its documents:
   * so a new layer can be written straight into the output while it is being made, without a
   * temporary copy. The output appears under its name only at {@link PendingImage#finish}; closing
   * an unfinished image deletes everything written.
   *
   * @param mtimeEpochSeconds the modification time of every member
   * @param tempFiles registry of temporary files for signal cleanup
   * @throws ImageException when the destination cannot be written or an OCI_DIR destination exists
   */
  public static PendingImage begin(
      Path output, OutputFormat format, long mtimeEpochSeconds, TempFiles tempFiles)
      throws IOException {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(tempFiles, "tempFiles");
    Objects.requireNonNull(format, "format");
    Path abs = output.toAbsolutePath();
    if (format == OutputFormat.OCI_DIR && Files.exists(abs)) {
      // Policy (issue 24): a tar output replaces a regular file; an oci-dir output is never merged
      // into or
      // replaced, so any existing path is refused.
      throw new ImageException(
          Kind.OUTPUT_FAILED,
          ImageException.where(
              output.toString(),
              null,
              null,
              "cannot write: already exists (an oci-dir output must be a new path)"));
    }
    checkDestination(output);
    Path parent = Objects.requireNonNull(abs.getParent(), "checkDestination refuses a root path");
    Path temp =
        parent.resolve(
            "."
                + abs.getFileName()
                + ".tmp-"
                + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
    // Registered before it exists, so that a signal arriving while the sink creates it still finds
    // it.
    tempFiles.register(temp);
    OutputSink sink = null;
    try {
      sink =
          format == OutputFormat.OCI_DIR
              ? new OutputSink.Dir(temp, mtimeEpochSeconds)
              : new OutputSink.Tar(temp, mtimeEpochSeconds);
      sink.dir("blobs");
      sink.dir("blobs/sha256");
      PendingImage image =
          new PendingImage(output, output.toString(), format, temp, sink, tempFiles);
      sink = null;
      return image;
    } catch (IOException e) {
      throw ImageException.cannotWrite(output.toString(), "output", e);
    } finally {
      if (sink != null) {
        sink.close();
        deleteRecursively(temp);
        tempFiles.unregister(temp);
      }
    }
  }

  /**
   * Starts pushing an image to a registry; layers are added as in {@link #begin(Path, OutputFormat,
   * long, TempFiles)}. Blobs the repository has are not sent again, kept layers from the same
   * registry are mounted, new layers are uploaded while they are made; {@link PendingImage#finish}
   * pushes the manifest by digest and only then tags it, so a failure never leaves the tag on a
   * partial image. A {@code dest} without tag is pushed by digest only.
   *
   * @param tempDir where each upload keeps a copy of its bytes, to start again if the registry
   *     drops the upload
   * @param tempFiles registry of those copies for signal cleanup
   * @throws ImageException when the registry cannot be reached or {@code dest} names a digest
   *     instead of a tag
   */
  public static PendingImage begin(
      ImageRef dest, RegistryOptions options, Path tempDir, TempFiles tempFiles)
      throws IOException {
    Objects.requireNonNull(dest, "dest");
    if (dest.digest() != null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          dest
              + ": the squashed image gets a new digest; name the output with a tag, not a digest");
    }
    RegistryClient client = RegistryClient.connect(dest, options);
    RegistrySink sink = new RegistrySink(client, dest, tempDir, tempFiles);
    return new PendingImage(null, dest.toString(), OutputFormat.OCI, null, sink, tempFiles);
  }

  /** Writes one new blob's bytes into an {@link PendingImage}; returns what it wrote. */
  @FunctionalInterface
  public interface BlobBody {
    /**
     * Writes the blob to {@code out} (which it must not close) and returns its digests and size.
     *
     * @throws IOException from writing
     */
    NewBlob writeTo(java.io.OutputStream out) throws IOException;
  }

  /**
   * What a {@link BlobBody} wrote: the blob digest, the layer's diff_id and the blob's size in
   * bytes.
   */
  public record NewBlob(Digest digest, Digest diffId, long size) {}

  /**
   * An image being written (see {@link #begin}): {@link #addLayer} and {@link #writeLayer} in
   * manifest order, then {@link #finish}. Not thread-safe.
   */
  public static final class PendingImage implements java.io.Closeable {
    private final @Nullable Path output;

    /** The output as the user named it, for messages: a path or a registry reference. */
    private final String shown;

    private final OutputFormat format;
    private final @Nullable Path temp;
    private final OutputSink sink;
    private final TempFiles tempFiles;
    private final List<OutputLayer> layers = new ArrayList<>();
    private final Set<Digest> written = new HashSet<>();
    private boolean done;

    private PendingImage(
        @Nullable Path output,
        String shown,
        OutputFormat format,
        @Nullable Path temp,
        OutputSink sink,
        TempFiles tempFiles) {
      this.output = output;
      this.shown = shown;
      this.format = format;
      this.temp = temp;
      this.sink = sink;
      this.tempFiles = tempFiles;
    }

    /**
     * Adds a layer whose bytes exist already (a blob file, or an input layer copied byte for byte
     * and checked against its digest) and writes it now.
     */
    public void addLayer(OutputLayer l) throws IOException {
      checkOpen();
      if (l.blobFile() == null && l.source() == null) {
        throw new IllegalArgumentException("layer " + l.digest() + " has no bytes to write");
      }
      requireSha256(l.digest());
      if (written.add(l.digest())) {
        try {
          ImageWriter.writeLayer(sink, l);
        } catch (ImageException e) {
          throw e;
        } catch (IOException e) {
          throw ImageException.cannotWrite(shown, "output", e);
        }
      }
      layers.add(l);
    }

    /**
     * Writes a new layer straight into the output: {@code body} streams its bytes and returns their
     * digests, under which the blob is then named.
     *
     * @return the layer as written, already part of the image
     */
    public OutputLayer writeLayer(String mediaType, BlobBody body) throws IOException {
      return writeLayer(mediaType, Map.of(), body);
    }

    /**
     * Writes a new layer as {@link #writeLayer(String, BlobBody)} does, with annotations for its
     * descriptor in the manifest (written for every format: a docker output carries the OCI
     * manifest too).
     */
    public OutputLayer writeLayer(String mediaType, Map<String, String> annotations, BlobBody body)
        throws IOException {
      checkOpen();
      NewBlob b;
      java.io.OutputStream out;
      try {
        out = sink.beginFile();
      } catch (IOException e) {
        throw ImageException.cannotWrite(shown, "output", e);
      }
      b = body.writeTo(new WriteFailures(out, shown, "output"));
      requireSha256(b.digest());
      try {
        if (written.add(b.digest())) {
          sink.endFile(ImageDocuments.blob(b.digest()), b.size());
        } else {
          sink.dropFile(); // the same bytes are in the image already (an identical kept layer)
        }
      } catch (IOException e) {
        throw ImageException.cannotWrite(shown, "output", e);
      }
      OutputLayer l = OutputLayer.written(b.digest(), b.diffId(), b.size(), mediaType, annotations);
      layers.add(l);
      return l;
    }

    /**
     * Writes the config, the manifest and the index (and docker's files), completes the output and
     * renames it into place.
     *
     * @param config the final config; the caller has set {@code rootfs.diff_ids}. It is serialised
     *     as is, once.
     * @param manifestTemplate the input manifest or null; its annotations and unknown fields are
     *     kept
     * @param names image names such as {@code docker.io/library/foo:bar}; may be empty
     */
    public WrittenImage finish(ObjectNode config, ObjectNode manifestTemplate, List<String> names)
        throws IOException {
      return finish(config, manifestTemplate, ImageNames.of(names));
    }

    /**
     * {@link #finish(ObjectNode, ObjectNode, List)} with names that may be one OCI ref name given
     * by the user ({@link ImageNames#forOutput}).
     */
    public WrittenImage finish(ObjectNode config, ObjectNode manifestTemplate, ImageNames names)
        throws IOException {
      checkOpen();
      Objects.requireNonNull(config, "config");
      byte[] configBytes = Json.canonicalBytes(config);
      Digest configDigest = Descriptor.digestOf("sha256", configBytes);
      ObjectNode manifest =
          ImageDocuments.manifest(manifestTemplate, configDigest, configBytes.length, layers);
      byte[] manifestBytes = Json.canonicalBytes(manifest);
      Digest manifestDigest = Descriptor.digestOf("sha256", manifestBytes);
      if (sink instanceof RegistrySink push) {
        try {
          tempFiles.checkNotCancelled(); // a cancelled run must not tag
          push.publish(
              configBytes, configDigest, manifestBytes, manifestDigest, MediaTypes.OCI_MANIFEST);
        } finally {
          done = true;
          push.close();
        }
        return new WrittenImage(
            configDigest,
            manifestDigest,
            push.bytes() + configBytes.length + manifestBytes.length,
            push.summary());
      }
      long bytes;
      try {
        writeDocuments(
            sink,
            format,
            configBytes,
            configDigest,
            manifestBytes,
            manifestDigest,
            layers,
            names,
            written);
        sink.finish();
        bytes = sink.bytes();
        sink.close();
      } catch (IOException e) {
        throw ImageException.cannotWrite(shown, "output", e);
      }
      // A cancelled run must not publish: the hook may already have deleted part of the temp.
      tempFiles.checkNotCancelled();
      Path abs = Objects.requireNonNull(output, "a file output has a path").toAbsolutePath();
      try {
        try {
          Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw ImageException.cannotWrite(shown, "output", e);
      }
      done = true;
      tempFiles.unregister(temp);
      return new WrittenImage(configDigest, manifestDigest, bytes);
    }

    /**
     * Abandons an unfinished image: deletes everything written. Does nothing after {@link #finish}.
     */
    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        sink.close();
      } finally {
        if (temp != null) {
          deleteRecursively(temp);
          tempFiles.unregister(temp);
        }
      }
    }

    private void checkOpen() {
      if (done) {
        throw new IllegalStateException("image already finished or closed");
      }
    }

    private void requireSha256(Digest d) throws ImageException {
      if (!d.algorithm().equals("sha256")) {
        throw new ImageException(
            Kind.UNSUPPORTED_INPUT,
            ImageException.where(shown, null, null, "only sha256 layer digests can be written"));
      }
    }
  }

  /**
   * Fails early, with one clear line, when the output's directory does not exist, is not a
   * directory or cannot be written (read-only mount, permissions): otherwise the first symptom
   * would be an obscure error about a temporary file after minutes of work.
   *
   * @throws ImageException naming the output and the problem
   */
  public static void checkDestination(Path output) throws ImageException {
    Path parent = output.toAbsolutePath().getParent();
    String shown = output.toString();
    if (parent == null) {
      throw new ImageException(
          Kind.OUTPUT_FAILED,
          ImageException.where(shown, null, null, "cannot write: not a file path"));
    }
    if (!Files.exists(parent)) {
      throw new ImageException(
          Kind.OUTPUT_FAILED,
          ImageException.where(
              shown, null, null, "cannot write: directory " + parent + " does not exist"));
    }
    if (!Files.isDirectory(parent)) {
      throw new ImageException(
          Kind.OUTPUT_FAILED,
          ImageException.where(
              shown, null, null, "cannot write: " + parent + " is not a directory"));
    }
    if (!Files.isWritable(parent)) {
      throw new ImageException(
          Kind.OUTPUT_FAILED,
          ImageException.where(
              shown,
              null,
              null,
              "cannot write: directory " + parent + " is read-only or not writable"));
    }
    if (Files.isDirectory(output) && !Files.isSymbolicLink(output)) {
      // OCI_DIR refuses an existing destination itself; a tar must not replace a directory either.
      throw new ImageException(
          Kind.OUTPUT_FAILED,
          ImageException.where(
              shown,
              null,
              null,
              "cannot write: already exists and is a directory (a tar output replaces only a regular file; an"
                  + " oci-dir output must be a new path)"));
    }
  }

  /**
   * Refuses to write over the input: the input is read while the output is written, and the rename
   * would destroy it.
   *
   * @throws ImageException when both paths name the same file
   */
  public static void checkNotSameFile(Path in, Path out) throws IOException {
    boolean same;
    if (Files.exists(in) && Files.exists(out)) {
      same = Files.isSameFile(in, out);
    } else {
      same = in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize());
    }
    if (same) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          ImageException.where(
              out.toString(), null, null, "output is the input; write to another file"));
    }
  }

  private static void writeDocuments(
      OutputSink sink,
      OutputFormat format,
      byte[] configBytes,
      Digest configDigest,
      byte[] manifestBytes,
      Digest manifestDigest,
      List<OutputLayer> layers,
      ImageNames names,
      Set<Digest> written)
      throws IOException {
    if (written.add(configDigest)) {
      sink.file(ImageDocuments.blob(configDigest), configBytes);
    }
    if (written.add(manifestDigest)) {
      sink.file(ImageDocuments.blob(manifestDigest), manifestBytes);
    }
    sink.file(
        "index.json",
        Json.canonicalBytes(
            ImageDocuments.index(
                manifestDigest, manifestBytes.length, names.names(), names.refName())));
    if (format == OutputFormat.DOCKER) {
      sink.file(
          "manifest.json",
          Json.canonicalBytes(ImageDocuments.dockerManifest(configDigest, layers, names.names())));
    }
    sink.file("oci-layout", Json.canonicalBytes(ImageDocuments.ociLayout()));
    if (format == OutputFormat.DOCKER) {
      sink.file(
          "repositories", Json.canonicalBytes(ImageDocuments.repositories(layers, names.names())));
    }
  }

  private static void writeLayer(OutputSink sink, OutputLayer l) throws IOException {
    String name = ImageDocuments.blob(l.digest());
    if (l.blobFile() == null && sink.reuse(l)) {
      return;
    }
    if (l.blobFile() != null) {
      sink.file(name, l.blobFile(), l.size());
      return;
    }
    SourceLayer src = Objects.requireNonNull(l.source(), "addLayer checks a layer has bytes");
    VerifyingLayerStream.HashingInputStream in =
        new VerifyingLayerStream.HashingInputStream(src.openRaw(), l.digest().jdkAlgorithm());
    try (in) {
      sink.file(name, in, l.size());
    } catch (IOException e) {
      if (e instanceof ImageException) {
        throw e;
      }
      throw new ImageException(
          ImageException.interruption(e) ? Kind.INTERRUPTED : Kind.CORRUPT_INPUT,
          ImageException.where(
              src.location(), src.label(), null, "cannot copy layer: " + e.getMessage()),
          e);
    }
    Digest actual = VerifyingLayerStream.toDigest(l.digest().algorithm(), in.hash.digest());
    if (!actual.equals(l.digest())) {
      throw new ImageException(
          Kind.CORRUPT_INPUT,
          ImageException.where(
              src.location(),
              src.label(),
              null,
              "blob digest mismatch while copying: expected "
                  + l.digest()
                  + ", content is "
                  + actual));
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(x);
      }
    }
  }
}
