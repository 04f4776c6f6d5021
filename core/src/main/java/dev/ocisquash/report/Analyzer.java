package dev.ocisquash.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.ConfigJson;
import dev.ocisquash.squash.AnalysisFlattener;
import dev.ocisquash.squash.FlattenedImage;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Analyzes an image without writing anything: reads every layer once (plus, rarely, a second read
 * for content a hardlink needs) and reports where the bytes go. See {@link ImageAnalysis} for what
 * is computed.
 *
 * <pre>{@code
 * ImageAnalysis a = Analyzer.analyze(Path.of("app.tar"), AnalyzeOptions.builder().duplicates(true).build());
 * }</pre>
 */
public final class Analyzer {
  private static final int BLOCK = 512;

  private Analyzer() {}

  /**
   * Analyzes the image at {@code image} (any input {@code squash} accepts).
   *
   * @throws ImageException for bad input or a squash point beyond the last layer
   * @throws IOException on read failures
   */
  public static ImageAnalysis analyze(Path image, AnalyzeOptions options) throws IOException {
    try (SourceImage img =
        ImageArchives.open(image, options.selector(), options.limits(), TempFiles.none())) {
      return analyze(img, options);
    } catch (IOException e) {
      throw ImageException.orInterrupted(e);
    }
  }

  /**
   * Analyzes an image that is already open; it stays open. An interrupted thread gets an {@link
   * ImageException} of kind {@link ImageException.Kind#INTERRUPTED}.
   */
  public static ImageAnalysis analyze(SourceImage img, AnalyzeOptions options) throws IOException {
    try {
      return run(img, options);
    } catch (IOException e) {
      throw ImageException.orInterrupted(e);
    }
  }

  private static ImageAnalysis run(SourceImage img, AnalyzeOptions options) throws IOException {
    int nLayers = img.layers().size();
    if (options.from() >= Math.max(1, nLayers)) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          img.source()
              + ": --from "
              + options.from()
              + " is beyond the last layer ("
              + (nLayers - 1)
              + ")");
    }
    // ELF files and scripts are kept in a temporary file while streaming, so the strip checks never
    // re-read a layer.
    try (FlattenedImage flat =
        AnalysisFlattener.flatten(
            img,
            options.duplicates(),
            options.tempDir() != null
                ? options.tempDir()
                : Path.of(System.getProperty("java.io.tmpdir")),
            options.limits(),
            TempFiles.none())) {
      return analyze(img, options, flat);
    }
  }

  private static ImageAnalysis analyze(SourceImage img, AnalyzeOptions options, FlattenedImage flat)
      throws IOException {
    int nLayers = img.layers().size();
    List<FlattenedImage.Entry> tree = flat.entries();

    // Per layer.
    long[] liveByLayer = new long[nLayers];
    long finalBytes = 0;
    long finalFiles = 0;
    for (FlattenedImage.Entry e : tree) {
      if (e.isRegular() && e.firstOfInode()) {
        liveByLayer[e.contentLayer()] += e.size();
        finalBytes += e.size();
        finalFiles++;
      }
    }
    List<String> createdBy = createdBy(img.config(), nLayers);
    List<ImageAnalysis.Layer> layers = new ArrayList<>();
    for (FlattenedImage.LayerStats s : flat.layers()) {
      layers.add(
          new ImageAnalysis.Layer(
              s.index(),
              s.blobDigest().toString(),
              s.diffId().toString(),
              s.compression().name().toLowerCase(Locale.ROOT),
              s.compressedBytes(),
              s.uncompressedBytes(),
              s.entries(),
              s.whiteouts(),
              s.contentBytes(),
              s.contentBytes() - liveByLayer[s.index()],
              createdBy.get(s.index())));
    }

    // Largest files and directories.
    List<ImageAnalysis.SizedPath> files = new ArrayList<>();
    Map<String, long[]> dirSizes = new HashMap<>();
    for (FlattenedImage.Entry e : tree) {
      if (e.isDirectory()) {
        dirSizes.computeIfAbsent(e.path(), k -> new long[2]);
      }
      if (!e.isRegular() || !e.firstOfInode()) {
        continue;
      }
      files.add(new ImageAnalysis.SizedPath(e.path(), e.size(), 1, e.contentLayer()));
      String p = e.path();
      for (int i = p.lastIndexOf('/'); ; i = p.lastIndexOf('/', i - 1)) {
        String dir = i < 0 ? "" : p.substring(0, i);
        long[] d = dirSizes.computeIfAbsent(dir, k -> new long[2]);
        d[0] += e.size();
        d[1]++;
        if (i <= 0) {
          break;
        }
      }
    }
    Comparator<ImageAnalysis.SizedPath> bySize =
        Comparator.comparingLong(ImageAnalysis.SizedPath::bytes)
            .reversed()
            .thenComparing(ImageAnalysis.SizedPath::path);
    files.sort(bySize);
    List<ImageAnalysis.SizedPath> dirs = new ArrayList<>();
    for (Map.Entry<String, long[]> d : dirSizes.entrySet()) {
      if (!d.getKey().isEmpty()) {
        dirs.add(new ImageAnalysis.SizedPath(d.getKey(), d.getValue()[0], d.getValue()[1], -1));
      }
    }
    dirs.sort(bySize);
    int top = options.top();

    // Strip plans (the rules given, and each preset not given on top of them), then the rows
    // derived from them.
    StripSupport.Result strip = StripSupport.estimate(img, flat, options);
    BulkRows.Built bulk = BulkRows.build(tree, strip);

    // Duplicates.
    List<ImageAnalysis.DuplicateGroup> dups = new ArrayList<>();
    if (options.duplicates()) {
      Map<String, List<FlattenedImage.Entry>> byHash = new HashMap<>();
      for (FlattenedImage.Entry e : tree) {
        if (e.isRegular() && e.firstOfInode() && e.size() > 0 && e.sha256() != null) {
          byHash
              .computeIfAbsent(HexFormat.of().formatHex(e.sha256()), k -> new ArrayList<>())
              .add(e);
        }
      }
      for (Map.Entry<String, List<FlattenedImage.Entry>> g : byHash.entrySet()) {
        if (g.getValue().size() > 1) {
          List<String> paths = new ArrayList<>();
          for (FlattenedImage.Entry e : g.getValue()) {
            paths.add(e.path());
          }
          paths.sort(null);
          dups.add(
              new ImageAnalysis.DuplicateGroup(
                  g.getKey(), g.getValue().get(0).size(), List.copyOf(paths)));
        }
      }
      dups.sort(
          Comparator.comparingLong(ImageAnalysis.DuplicateGroup::repeatedBytes)
              .reversed()
              .thenComparing(ImageAnalysis.DuplicateGroup::sha256));
    }

    // Estimates.
    Set<String> removedOrNull = strip.removed;
    boolean stripped = removedOrNull != null;
    Set<String> removed = removedOrNull != null ? removedOrNull : Set.of();
    long[] tarBytes = squashedTarBytes(tree, removed);
    long comp = 0;
    long uncomp = 0;
    String algo = null;
    for (FlattenedImage.LayerStats s : flat.layers()) {
      if (s.compression() != Compression.NONE) {
        comp += s.compressedBytes();
        uncomp += s.uncompressedBytes();
        algo = s.compression().name().toLowerCase(Locale.ROOT);
      }
    }
    double ratio;
    String method;
    if (uncomp > 0) {
      ratio = (double) comp / uncomp;
      method = "ratio of the input layers' compressed to uncompressed bytes (" + algo + ")";
    } else {
      CompressionSample.Result sample = CompressionSample.of(img.layers());
      ratio = sample.ratio();
      method =
          sample.sampled() > 0
              ? String.format(
                  Locale.ROOT,
                  "input layers are uncompressed: gzip -6 of a %s sample of them",
                  TextReport.human(sample.sampled()))
              : "input layers are uncompressed and were not sampled (in a registry); no compression assumed";
    }
    ImageAnalysis.Estimates est =
        new ImageAnalysis.Estimates(
            tarBytes[0],
            ratio,
            method,
            Math.round(tarBytes[0] * ratio),
            stripped ? tarBytes[1] : -1,
            stripped ? Math.round(tarBytes[1] * ratio) : -1);

    ImageAnalysis a =
        new ImageAnalysis(
            img.source(),
            options.from(),
            layers,
            finalBytes,
            finalFiles,
            tree.size(),
            files.subList(0, Math.min(top, files.size())),
            dirs.subList(0, Math.min(top, dirs.size())),
            bulk.rows(),
            dups,
            options.duplicates(),
            est,
            strip.estimate,
            bulk.presets(),
            tree,
            bulk.rowOf(),
            packageUsage(img, flat, options));
    return a;
  }

  /** Which packages the traces touched, or null when no trace was given. */
  private static dev.ocisquash.trace.PackageUsage.@Nullable Result packageUsage(
      SourceImage img, FlattenedImage flat, AnalyzeOptions options) throws IOException {
    if (options.traces().isEmpty()) {
      return null;
    }
    dev.ocisquash.strip.FileTree tree = ImageFileTree.of(img, flat);
    String wd = img.config().path("config").path("WorkingDir").asText("");
    dev.ocisquash.trace.Trace t =
        dev.ocisquash.trace.TraceFiles.read(
            options.traces(), dev.ocisquash.trace.TraceRoot.of(tree), wd);
    return dev.ocisquash.trace.PackageUsage.of(tree, t);
  }

  /**
   * The squashed layer's tar size as ocisquash writes it: real headers from {@link TarWriter} (PAX
   * records included), content padded to 512-byte blocks, the end marker. Returns {all, without the
   * removed paths}.
   */
  static long[] squashedTarBytes(List<FlattenedImage.Entry> tree, Set<String> removed)
      throws IOException {
    TarWriter w = new TarWriter(OutputStream.nullOutputStream()); // counts what it writes
    Map<Integer, byte[]> firstPath = new HashMap<>();
    long all = 0;
    long kept = 0;
    for (FlattenedImage.Entry e : tree) {
      TarEntry h;
      long content = 0;
      if (e.isRegular()) {
        byte[] first = firstPath.putIfAbsent(e.inode(), e.pathBytes());
        if (first == null) {
          // Measured with size 0 so no content must be fed; sizes of 8 GiB and more need a PAX size
          // record,
          // which adds about two blocks (exact when the entry already has a PAX header: then it
          // adds ~1 line).
          h = e.meta().toBuilder().path(e.pathBytes()).size(0).build();
          content =
              (e.size() + BLOCK - 1) / BLOCK * BLOCK + (e.size() > 077777777777L ? 2 * BLOCK : 0);
        } else {
          h =
              e.meta().toBuilder()
                  .type(TarEntryType.HARDLINK)
                  .path(e.pathBytes())
                  .linkTarget(first)
                  .size(0)
                  .build();
        }
      } else {
        h = e.meta().toBuilder().path(e.pathBytes()).build();
      }
      long before = w.bytesWritten();
      w.putEntry(h);
      w.closeEntry();
      long bytes = w.bytesWritten() - before + content;
      all += bytes;
      if (!removed.contains(e.path())) {
        kept += bytes;
      }
    }
    w.finish();
    long end = 2L * BLOCK;
    return new long[] {all + end, kept + end};
  }

  /** The created_by of each layer: history entries without {@code empty_layer: true}, in order. */
  static List<String> createdBy(ObjectNode config, int nLayers) {
    List<String> out = new ArrayList<>();
    for (ConfigJson.History h : new ConfigJson(config).history()) {
      if (!h.emptyLayer()) {
        out.add(h.createdBy());
      }
    }
    if (out.size() != nLayers) {
      // History that does not match the layers says nothing reliable about any of them.
      out.clear();
    }
    while (out.size() < nLayers) {
      out.add("");
    }
    return out;
  }

  /**
   * Shortens a created_by for display: drops the shell prefix and {@code #(nop)}, collapses blanks.
   */
  static String shortCreatedBy(String createdBy, int max) {
    String s = createdBy.replaceAll("\\s+", " ").trim();
    for (String pre : new String[] {"/bin/sh -c #(nop) ", "/bin/sh -c ", "|"}) {
      if (s.startsWith(pre)) {
        s = s.substring(pre.length()).trim();
      }
    }
    s = s.replaceFirst("^\\d+ [A-Za-z_]+=\\S+ (/bin/sh -c )?", "");
    s = s.replace(" # buildkit", "");
    if (s.length() > max) {
      s = s.substring(0, Math.max(0, max - 1)) + "…";
    }
    return s;
  }
}
