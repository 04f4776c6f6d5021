package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.OutputLayer;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.archive.WrittenImage;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarReader;
import dev.ocisquash.strip.StripResult;
import dev.ocisquash.strip.Stripper;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.function.Predicate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Squashes an image: reads every layer once, newest first, decides with {@link SquashPlanner} what survives,
 * keeps the surviving content (copied to a spool, or read in place when the layer is stored uncompressed), then
 * writes one sorted, reproducible layer and the new image around it. Layers
 * below the squash point are copied byte for byte.
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
    Path output = options.output() == null ? null : options.output().toAbsolutePath();
    if (input != null && output != null) {
      ImageWriter.checkNotSameFile(input, output);
    }
    if (output != null) {
      ImageWriter.checkDestination(output);
    } else if (options.format() != null && options.format() != OutputFormat.OCI) {
      throw new ImageException(
          options.outputName() + ": a registry takes the image as an OCI manifest; --format "
              + options.format().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " is for files");
    }
    // A registry output has no directory beside it: spool files go to java.io.tmpdir unless --temp-dir says.
    Path tempDir =
        options.tempDir() != null ? options.tempDir()
            : output != null ? output.getParent() : Path.of(System.getProperty("java.io.tmpdir"));
    // Hardening: limits count every decompressed byte and entry; temp files are registered for signal cleanup.
    TempFiles tempFiles = options.tempFiles() != null ? options.tempFiles() : new TempFiles();
    Limits.Meter meter = options.limits().newMeter();
    try (SourceImage image =
        input != null
            ? ImageArchives.open(input, options.selector(), options.limits(), tempFiles)
            : ImageArchives.open(options.inputRef(), options.selector(), options.registry())) {
      List<SourceLayer> layers = image.layers();
      if (layers.isEmpty()) {
        throw new ImageException(ImageException.where(image.source(), null, null, "the image has no layers"));
      }
      ObjectNode inConfig = image.config();
      int first = options.squashPoint().resolve(image.source(), layers, inConfig);
      boolean stripping = options.strip() != null && !options.strip().isEmpty();
      if (layers.size() - first < 2 && options.squashPoint().namesLayer() && !stripping && !options.allowNoop()) {
        throw new ImageException(
            image.source()
                + ": "
                + options.squashPoint()
                + " leaves only one layer to squash (layer "
                + first
                + " of "
                + layers.size()
                + "); nothing would be merged. Give strip rules, or --allow-noop to rewrite it anyway");
      }
      // A registry takes an OCI manifest whatever the input was; --format applies to files only.
      OutputFormat format =
          output == null ? OutputFormat.OCI
              : options.format() != null ? options.format() : OutputFormat.defaultFor(image.family());
      Compression compression =
          options.compression() != null ? options.compression() : image.predominantCompression();

      boolean relayering = options.maxLayers() > 1;
      // Read before the long scan, so that a bad --prior fails at once.
      dev.ocisquash.layering.Prior prior =
          options.prior() == null
              ? null
              : Relayering.readPrior(options.prior(), options.maxLayers(), options.limits(), tempFiles);
      SquashPlanner planner = new SquashPlanner();
      // Base-only view: what the kept layers alone unpack to, for the whiteouts the new layer must carry.
      SquashPlanner basePlanner = first > 0 ? new SquashPlanner() : null;
      byte[] scratch = new byte[BUFFER];
      Progress progress = options.progress();
      try (Spool spool = new Spool(tempDir, tempFiles, options.outputName())) {
        PlanningVisitor reading =
            new PlanningVisitor(planner, basePlanner, first, stripping, relayering, spool, scratch);
        LayerScan.run(image, first, meter, progress, reading);
        progress.stage("plan", -1);
        planner.checkLinks();
        ContentStore contents = new ContentStore(spool);
        List<SquashPlanner.Record> sorted = planner.liveRecordsSorted();
        captureDeferred(image, sorted, spool, scratch);
        StripResult strip = null;
        Predicate<byte[]> stripped = path -> false;
        PlannedFileTree tree = stripping || relayering ? new PlannedFileTree(sorted, contents) : null;
        if (stripping) {
          strip = Stripper.plan(tree, options.strip());
          StripResult s = strip;
          stripped = path -> s.isRemoved("/" + PathNames.decode(path));
        }
        LayerPlan plan = LayerPlan.build(planner, basePlanner, first, sorted, stripped);
        List<LayerSplitter.Part> parts =
            relayering
                ? Relayering.split(
                    tree, plan, options.maxLayers(), options.bigFile(), prior, options.sourceDateEpoch())
                : List.of(new LayerSplitter.Part(0, plan, Map.of()));
        tree = null;
        progress.done();
        long strippedFromKept = 0;
        if (stripping && first > 0) {
          for (SquashPlanner.Record r : sorted) {
            if (r.layer < first && r.file != null && stripped.test(r.path) && r.entry.type() != TarEntryType.HARDLINK) {
              strippedFromKept += r.entry.size();
            }
          }
        }

        String what = format.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " image";
        List<Digest> keptDiffIds = new ArrayList<>();
        List<SquashedLayer> writtenLayers = new ArrayList<>();
        long entriesWritten = 0;
        long promoted = 0;
        Digest topDiffId = null;
        WrittenImage written;
        int layersOut;
        // The new layer is written straight into the output (no temporary copy), after the kept layers.
        try (ImageWriter.PendingImage out =
            output != null
                ? ImageWriter.begin(output, format, 0L, tempFiles)
                : ImageWriter.begin(options.outputRef(), options.registry(), tempDir, tempFiles)) {
          if (first > 0) {
            progress.stage("copy kept layers", -1);
            for (int i = 0; i < first; i++) {
              SourceLayer l = layers.get(i);
              out.addLayer(OutputLayer.copyOf(l, l.blobDigest(), l.blobSize(), keptMediaType(l, format)));
              keptDiffIds.add(l.diffId());
              progress.advance(l.blobSize());
            }
            progress.done();
          }
          List<Digest> newDiffIds = new ArrayList<>();
          List<String> comments = new ArrayList<>();
          String squashed =
              "squashed " + (layers.size() - first) + " layers (" + first + ".." + (layers.size() - 1) + ")";
          for (LayerSplitter.Part part : parts) {
            LayerWriter.Stats[] result = new LayerWriter.Stats[1];
            OutputLayer written1 =
                out.writeLayer(
                    layerMediaType(format, compression),
                    relayering ? Relayering.annotations(part, options.maxLayers()) : Map.of(),
                    stream -> {
                      OutputStream buffered = new BufferedOutputStream(stream, BUFFER);
                      LayerWriter.Stats st =
                          LayerWriter.write(
                              part.plan,
                              contents,
                              buffered,
                              compression,
                              options.gzipLevel(),
                              options.gzipEncoder(),
                              options.zstdLevel(),
                              options.threads(),
                              options.sourceDateEpoch(),
                              progress);
                      buffered.flush();
                      result[0] = st;
                      return new ImageWriter.NewBlob(st.digest, st.diffId, st.compressedSize);
                    });
            LayerWriter.Stats st = result[0];
            entriesWritten += st.entries;
            promoted += st.promoted;
            newDiffIds.add(st.diffId);
            comments.add(
                relayering
                    ? squashed + ": slot " + part.slot + " of " + options.maxLayers() + " (" + part.groups.size()
                        + " groups)"
                    : squashed + " into 1");
            writtenLayers.add(
                new SquashedLayer(
                    part.slot,
                    options.maxLayers(),
                    written1.digest(),
                    st.diffId,
                    st.compressedSize,
                    st.entries,
                    Relayering.groupBytes(part)));
            topDiffId = st.diffId;
          }
          ObjectNode config =
              ConfigRewriter.squash(
                  inConfig, keptDiffIds, first, newDiffIds, "ocisquash squash " + options.squashPoint(), comments);
          if (options.sourceDateEpoch() != null) {
            ConfigRewriter.setCreated(
                config, Instant.ofEpochSecond(options.sourceDateEpoch()).toString(), newDiffIds.size());
          }
          progress.stage("finish " + what, -1);
          written = out.finish(config, image.manifest(), image.names());
          progress.advance(written.bytesWritten());
          progress.done();
          layersOut = first + parts.size();
        }
        return new SquashResult(
            input != null ? sizeOf(input) : blobBytes(layers),
            written.bytesWritten(),
            layers.size(),
            layersOut,
            reading.entriesRead,
            entriesWritten,
            planner.shadowedEntries(),
            planner.whiteoutEntries(),
            promoted,
            written.manifestDigest(),
            topDiffId,
            format,
            compression,
            first,
            strip == null ? null : strip.report(),
            strippedFromKept,
            writtenLayers,
            written.push());
      }
    }
  }

  /** The layer media type of the output's family; zstd has no Docker type, so it always gets the OCI one. */
  private static String layerMediaType(OutputFormat format, Compression c) {
    return format == OutputFormat.DOCKER && c != Compression.ZSTD ? c.dockerLayerMediaType() : c.ociLayerMediaType();
  }

  /**
   * A kept layer keeps its declared media type when it is truthful and of the output's family; otherwise it gets
   * the family's type for the compression its bytes really have. The bytes never change.
   */
  private static String keptMediaType(SourceLayer l, OutputFormat format) throws IOException {
    Compression actual = l.compression();
    String familyType = layerMediaType(format, actual);
    String declared = l.declaredMediaType();
    if (declared == null) {
      return familyType;
    }
    boolean sameFamily = declared.startsWith("application/vnd.docker.") == (format == OutputFormat.DOCKER);
    Compression claimed =
        declared.contains("gzip") ? Compression.GZIP : declared.contains("zstd") ? Compression.ZSTD : Compression.NONE;
    return sameFamily && claimed == actual ? declared : familyType;
  }

  /** The size of an image in a registry: the sum of its layer blobs. */
  private static long blobBytes(List<SourceLayer> layers) throws IOException {
    long sum = 0;
    for (SourceLayer l : layers) {
      sum += l.blobSize();
    }
    return sum;
  }

  private static long sizeOf(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (var s = Files.walk(p)) {
        return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      }
    }
    return Files.size(p);
  }

  /**
   * Feeds each entry of the scan to the planners: the full one, and for a partial squash the base-only one that
   * sees the kept layers. Keeps the content of surviving files where the writer will find it.
   */
  private static final class PlanningVisitor implements LayerScan.Visitor {
    private final SquashPlanner planner;
    private final SquashPlanner basePlanner;
    private final int first;
    private final boolean stripping;
    private final boolean relayering;
    private final Spool spool;
    private final byte[] scratch;
    private boolean kept;
    private boolean inPlace;
    private SourceLayer layer;
    /** Entries read from the squashed layers (kept layers are only scanned). */
    long entriesRead;

    PlanningVisitor(
        SquashPlanner planner,
        SquashPlanner basePlanner,
        int first,
        boolean stripping,
        boolean relayering,
        Spool spool,
        byte[] scratch) {
      this.planner = planner;
      this.basePlanner = basePlanner;
      this.first = first;
      this.stripping = stripping;
      this.relayering = relayering;
      this.spool = spool;
      this.scratch = scratch;
    }

    @Override
    public void beginLayer(int index, SourceLayer l, String context) throws IOException {
      kept = index < first;
      inPlace = l.compression() == Compression.NONE && l.readsInPlace();
      layer = l;
      planner.beginLayer(index, context, kept);
      if (kept) {
        basePlanner.beginLayer(index, context, true);
      }
    }

    @Override
    public void entry(TarEntry e, long ordinal, TarReader reader) throws IOException {
      if (!kept) {
        entriesRead++;
      }
      SquashPlanner.Offer offer = planner.offer(e, ordinal);
      if (kept) {
        basePlanner.offer(e, ordinal);
      }
      if (offer.capture() != null) {
        // Uncompressed blobs are read again in place when the layer is written; the rest is copied aside.
        if (inPlace) {
          offer.capture().contentInBlob(layer, reader.position());
        } else {
          offer.capture().contentSpooled(spool.append(reader.content(), e.size(), scratch));
        }
      } else if ((stripping || relayering) && kept && offer.file() != null && e.size() > 0) {
        spoolIfRead(reader, e, offer.file(), stripping, relayering, spool, scratch);
      }
    }
  }

  /**
   * In a kept layer, spools the content the strip safety checks read (ELF files, scripts, loader configuration)
   * and, when re-layering, the package databases grouping reads; other kept content is never copied.
   */
  private static void spoolIfRead(
      TarReader reader,
      TarEntry e,
      FileObject file,
      boolean stripping,
      boolean relayering,
      Spool spool,
      byte[] scratch)
      throws IOException {
    InputStream in = reader.content();
    byte[] head = in.readNBytes(ContentKind.HEAD);
    if ((stripping && ContentKind.readByStripChecks(e.path(), head))
        || (relayering && dev.ocisquash.layering.Grouping.readsContentOf("/" + e.path()))) {
      InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), in);
      file.contentSpooled(spool.append(whole, e.size(), scratch));
    }
  }

  /** Reads again, once per layer, the few contents that were deferred (same-layer hardlinks to shadowed files). */
  private static void captureDeferred(
      SourceImage image, List<SquashPlanner.Record> records, Spool spool, byte[] scratch) throws IOException {
    Map<Integer, TreeMap<Long, List<FileObject>>> byLayer = new HashMap<>();
    Map<FileObject, Boolean> seen = new IdentityHashMap<>();
    for (SquashPlanner.Record r : records) {
      FileObject f = r.file == null ? null : r.file.resolve();
      if (f != null && f.hasContent() && !f.isReadable() && seen.put(f, Boolean.TRUE) == null) {
        byLayer
            .computeIfAbsent(f.deferredLayer(), k -> new TreeMap<>())
            .computeIfAbsent(f.deferredOrdinal(), k -> new ArrayList<>())
            .add(f);
      }
    }
    LayerRereader.visit(
        image,
        byLayer,
        (objs, e, content) -> {
          long offset = spool.append(content, e.size(), scratch);
          for (FileObject f : objs) {
            f.contentSpooled(offset);
          }
        });
  }
}
