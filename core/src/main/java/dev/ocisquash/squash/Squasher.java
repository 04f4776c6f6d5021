package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.LayerStream;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.OutputLayer;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.archive.WrittenImage;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.compress.DeterministicGzipOutputStream;
import dev.ocisquash.compress.ZstdCompressingStream;
import dev.ocisquash.model.Digest;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import dev.ocisquash.tar.TarWriter;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Squashes an image: reads every layer once, newest first, decides with {@link SquashPlanner} what survives,
 * spools the surviving content, then writes one sorted, reproducible layer and the new image around it.
 *
 * <pre>{@code
 * SquashResult r = Squasher.squash(SquashOptions.builder(Path.of("in.tar"), Path.of("out.tar")).build());
 * System.out.println(r.layersIn() + " layers -> " + r.layersOut());
 * }</pre>
 *
 * <p>Nothing is written at the output path until the image is complete; a failure leaves nothing behind.
 */
public final class Squasher {
  private static final int BUFFER = 1 << 20;

  private Squasher() {}

  /**
   * Runs a squash.
   *
   * @throws ImageException for bad input, with a one-line message naming the file, layer and entry
   * @throws IOException for I/O failures while reading or writing
   */
  public static SquashResult squash(SquashOptions options) throws IOException {
    Path input = options.input();
    Path output = options.output().toAbsolutePath();
    ImageWriter.checkNotSameFile(input, output);
    Path outDir = output.getParent();
    Path tempDir = options.tempDir() != null ? options.tempDir() : outDir;
    try (SourceImage image = ImageArchives.open(input, options.selector())) {
      List<SourceLayer> layers = image.layers();
      if (layers.isEmpty()) {
        throw new ImageException(ImageException.where(image.source(), null, null, "the image has no layers"));
      }
      OutputFormat format = options.format() != null ? options.format() : OutputFormat.defaultFor(image.family());
      Compression compression =
          options.compression() != null ? options.compression() : image.predominantCompression();

      SquashPlanner planner = new SquashPlanner();
      byte[] scratch = new byte[BUFFER];
      long entriesRead = 0;
      Path blob = null;
      try (Spool spool = new Spool(tempDir)) {
        for (int i = layers.size() - 1; i >= 0; i--) {
          SourceLayer layer = layers.get(i);
          String context = image.source() + ": " + layer.label();
          planner.beginLayer(i, context);
          try (LayerStream in = layer.open()) {
            TarReader reader = new TarReader(in, context);
            long ordinal = 0;
            for (TarEntry e = reader.next(); e != null; e = reader.next(), ordinal++) {
              entriesRead++;
              SquashPlanner.Offer offer = planner.offer(e, ordinal);
              if (offer.capture != null) {
                offer.capture.content =
                    ContentRef.spooled(spool.append(reader.content(), e.size(), scratch));
              }
            }
            in.finish();
          }
        }
        planner.checkLinks();
        List<SquashPlanner.Record> records = planner.liveRecordsSorted();
        captureDeferred(image, records, spool, scratch);

        blob = Files.createTempFile(tempDir, ".ocisquash-layer-", ".tmp");
        LayerWriteStats stats;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(blob), BUFFER)) {
          stats = writeLayer(records, spool, file, compression, options, scratch);
        }
        ObjectNode config =
            ConfigRewriter.squash(
                image.config(),
                List.of(),
                0,
                stats.diffId,
                "ocisquash squash",
                "squashed " + layers.size() + " layers into 1");
        String mediaType =
            format == OutputFormat.DOCKER && compression != Compression.ZSTD
                ? compression.dockerLayerMediaType()
                : compression.ociLayerMediaType();
        OutputLayer newLayer = OutputLayer.ofFile(blob, stats.digest, stats.diffId, stats.compressedSize, mediaType);
        WrittenImage written =
            ImageWriter.write(output, format, config, image.manifest(), List.of(newLayer), image.names());
        return new SquashResult(
            sizeOf(input),
            written.bytesWritten(),
            layers.size(),
            1,
            entriesRead,
            stats.entries,
            planner.shadowedEntries(),
            planner.whiteoutEntries(),
            stats.promoted,
            written.manifestDigest(),
            stats.diffId,
            format,
            compression);
      } finally {
        if (blob != null) {
          Files.deleteIfExists(blob);
        }
      }
    }
  }

  private static long sizeOf(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (var s = Files.walk(p)) {
        return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      }
    }
    return Files.size(p);
  }

  /** Reads again, once per layer, the few contents that were deferred (same-layer hardlinks to shadowed files). */
  private static void captureDeferred(
      SourceImage image, List<SquashPlanner.Record> records, Spool spool, byte[] scratch) throws IOException {
    Map<Integer, TreeMap<Long, List<FileObject>>> byLayer = new HashMap<>();
    Map<FileObject, Boolean> seen = new IdentityHashMap<>();
    for (SquashPlanner.Record r : records) {
      if (r.file == null) {
        continue;
      }
      FileObject f = r.file.resolve();
      if (f != null && f.content != null && !f.content.isSpooled() && seen.put(f, Boolean.TRUE) == null) {
        byLayer
            .computeIfAbsent(f.content.layer, k -> new TreeMap<>())
            .computeIfAbsent(f.content.ordinal, k -> new ArrayList<>())
            .add(f);
      }
    }
    for (Map.Entry<Integer, TreeMap<Long, List<FileObject>>> layerEntry : byLayer.entrySet()) {
      SourceLayer layer = image.layers().get(layerEntry.getKey());
      String context = image.source() + ": " + layer.label();
      TreeMap<Long, List<FileObject>> wanted = layerEntry.getValue();
      try (LayerStream in = layer.open()) {
        TarReader reader = new TarReader(in, context);
        long ordinal = 0;
        for (TarEntry e = reader.next(); e != null && !wanted.isEmpty(); e = reader.next(), ordinal++) {
          List<FileObject> objs = wanted.remove(ordinal);
          if (objs != null) {
            long offset = spool.append(reader.content(), e.size(), scratch);
            for (FileObject f : objs) {
              f.content = ContentRef.spooled(offset);
            }
          }
        }
        if (!wanted.isEmpty()) {
          throw new ImageException(context + ": layer changed while being read (entry missing on re-read)");
        }
      }
    }
  }

  private static final class LayerWriteStats {
    Digest diffId;
    Digest digest;
    long compressedSize;
    long entries;
    long promoted;
  }

  private static LayerWriteStats writeLayer(
      List<SquashPlanner.Record> records,
      Spool spool,
      OutputStream file,
      Compression compression,
      SquashOptions options,
      byte[] scratch)
      throws IOException {
    HashingStream compressed = new HashingStream(file);
    OutputStream compressor;
    switch (compression) {
      case GZIP:
        compressor = new DeterministicGzipOutputStream(compressed, options.gzipLevel());
        break;
      case ZSTD:
        compressor = ZstdCompressingStream.open(compressed, options.zstdLevel(), 0);
        break;
      default:
        compressor = compressed;
        break;
    }
    HashingStream uncompressed = new HashingStream(compressor);
    TarWriter tar = new TarWriter(uncompressed);
    LayerWriteStats stats = new LayerWriteStats();
    OutputStream content = tar.contentStream();
    for (SquashPlanner.Record r : records) {
      stats.entries++;
      if (r.file == null) {
        tar.putEntry(r.entry);
        tar.closeEntry();
        continue;
      }
      FileObject f = r.file.resolve();
      if (f == null) {
        throw new ImageException(
            ImageException.where(null, "layer " + r.layer, r.entry.path(), "hardlink target is missing"));
      }
      if (f.writtenPath == null) {
        f.writtenPath = r.path;
        TarEntry e = renamed(f.entry, r.path);
        if (r.entry.type() == TarEntryType.HARDLINK) {
          stats.promoted++;
        }
        tar.putEntry(e);
        if (e.size() > 0) {
          spool.copyTo(f.content.spoolOffset, e.size(), content, scratch);
        }
        tar.closeEntry();
      } else {
        tar.putEntry(hardlink(f.entry, r.path, f.writtenPath));
        tar.closeEntry();
      }
    }
    tar.finish();
    uncompressed.flush();
    if (compressor != compressed) {
      compressor.close(); // finishes the compressed stream; HashingStream does not close the file
    }
    compressed.flush();
    stats.diffId = uncompressed.digest();
    stats.digest = compressed.digest();
    stats.compressedSize = compressed.count;
    return stats;
  }

  private static TarEntry renamed(TarEntry e, byte[] path) {
    if (java.util.Arrays.equals(e.pathBytes(), path)) {
      return e;
    }
    TarEntry.Builder b = e.toBuilder().path(path);
    if (e.paxExtras().containsKey("GNU.sparse.name")) {
      b.paxExtra("GNU.sparse.name", path);
    }
    return b.build();
  }

  private static TarEntry hardlink(TarEntry owner, byte[] path, byte[] target) {
    TarEntry.Builder b =
        TarEntry.builder(TarEntryType.HARDLINK, path)
            .linkTarget(target)
            .mode(owner.mode())
            .uid(owner.uid())
            .gid(owner.gid())
            .userName(owner.userName())
            .groupName(owner.groupName())
            .mtime(owner.mtimeSeconds(), owner.mtimeNanos());
    for (Map.Entry<String, byte[]> x : owner.xattrs().entrySet()) {
      b.xattr(x.getKey(), x.getValue());
    }
    return b.build();
  }

  /** Counts and hashes bytes on their way to the wrapped stream; does not close it. */
  static final class HashingStream extends FilterOutputStream {
    private final MessageDigest sha;
    long count;

    HashingStream(OutputStream out) {
      super(out);
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      sha.update((byte) b);
      count++;
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      sha.update(b, off, len);
      count += len;
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }

    Digest digest() {
      return Digest.sha256(sha.digest());
    }
  }
}
