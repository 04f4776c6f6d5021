package dev.ocisquash.report;

import dev.ocisquash.squash.FlattenedImage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link Analyzer#analyze}: a queryable, immutable model of where an image's bytes
 * go. All byte counts are exact unless the accessor says "estimate".
 *
 * <pre>{@code
 * ImageAnalysis a = Analyzer.analyze(Path.of("app.tar"), AnalyzeOptions.defaults());
 * System.out.println(a.wastedBytes() + " bytes hidden by later layers");
 * a.largestFiles(5).forEach(f -> System.out.println(f.path() + " " + f.bytes()));
 * }</pre>
 */
public final class ImageAnalysis {
  /** Version of the JSON schema written by {@link JsonReport}. */
  public static final int SCHEMA_VERSION = 2;

  private final String source;
  private final int from;
  private final List<Layer> layers;
  private final long finalContentBytes;
  private final long finalFiles;
  private final long finalEntries;
  private final List<SizedPath> largestFiles;
  private final List<SizedPath> largestDirectories;
  private final List<BulkItem> knownBulk;
  private final List<DuplicateGroup> duplicates;
  private final boolean duplicatesSearched;
  private final Estimates estimates;
  private final @Nullable StripEstimate strip;
  private final List<PresetEstimate> presets;
  private final List<FlattenedImage.Entry> finalTree;
  private final int[] bulkOf;
  private final dev.ocisquash.trace.PackageUsage.@Nullable Result packages;

  ImageAnalysis(
      String source,
      int from,
      List<Layer> layers,
      long finalContentBytes,
      long finalFiles,
      long finalEntries,
      List<SizedPath> largestFiles,
      List<SizedPath> largestDirectories,
      List<BulkItem> knownBulk,
      List<DuplicateGroup> duplicates,
      boolean duplicatesSearched,
      Estimates estimates,
      @Nullable StripEstimate strip,
      List<PresetEstimate> presets,
      List<FlattenedImage.Entry> finalTree,
      int[] bulkOf,
      dev.ocisquash.trace.PackageUsage.@Nullable Result packages) {
    this.source = source;
    this.from = from;
    this.layers = List.copyOf(layers);
    this.finalContentBytes = finalContentBytes;
    this.finalFiles = finalFiles;
    this.finalEntries = finalEntries;
    this.largestFiles = List.copyOf(largestFiles);
    this.largestDirectories = List.copyOf(largestDirectories);
    this.knownBulk = List.copyOf(knownBulk);
    this.duplicates = List.copyOf(duplicates);
    this.duplicatesSearched = duplicatesSearched;
    this.estimates = estimates;
    this.strip = strip;
    this.presets = List.copyOf(presets);
    this.finalTree = finalTree;
    this.bulkOf = bulkOf;
    this.packages = packages;
  }

  /** Package usage by the traces given ({@code --trace}), or null when none were given. */
  public dev.ocisquash.trace.PackageUsage.@Nullable Result packages() {
    return packages;
  }

  /** The analyzed input, as given. */
  public String source() {
    return source;
  }

  /**
   * The squash point used for {@link #squashSavingsBytes()}: layers from this index up are merged.
   */
  public int from() {
    return from;
  }

  /** Per-layer figures, bottom layer first. */
  public List<Layer> layers() {
    return layers;
  }

  /** Sum of the compressed layer blob sizes. */
  public long compressedBytes() {
    return layers.stream().mapToLong(Layer::compressedBytes).sum();
  }

  /** Sum of the uncompressed layer tar sizes. */
  public long uncompressedBytes() {
    return layers.stream().mapToLong(Layer::uncompressedBytes).sum();
  }

  /** Sum of the content sizes of every regular-file entry of every layer. */
  public long layerContentBytes() {
    return layers.stream().mapToLong(Layer::contentBytes).sum();
  }

  /**
   * Tar framing in the layers: uncompressed layer bytes minus content bytes (headers, padding, end
   * markers).
   */
  public long tarOverheadBytes() {
    return uncompressedBytes() - layerContentBytes();
  }

  /**
   * Bytes present in some layer but hidden in the final image (overwritten, whiteout, opaque
   * directory), each hidden copy counted once: {@code layerContentBytes() - finalContentBytes()}.
   */
  public long wastedBytes() {
    return layers.stream().mapToLong(Layer::wastedBytes).sum();
  }

  /**
   * What a plain squash from {@link #from()} saves before compression: the waste of the merged
   * layers.
   */
  public long squashSavingsBytes() {
    return layers.stream().filter(l -> l.index() >= from).mapToLong(Layer::wastedBytes).sum();
  }

  /** Content bytes of the final tree, each hardlinked file counted once. */
  public long finalContentBytes() {
    return finalContentBytes;
  }

  /** Distinct regular files (inodes) in the final tree. */
  public long finalFiles() {
    return finalFiles;
  }

  /** Paths in the final tree, of every type. */
  public long finalEntries() {
    return finalEntries;
  }

  /**
   * Final content bytes divided by layer content bytes; 1.0 for an image without waste (or without
   * content).
   */
  public double efficiency() {
    long all = layerContentBytes();
    return all == 0 ? 1.0 : (double) finalContentBytes / all;
  }

  /**
   * The largest final files (each inode once, under its first path), largest first; at most {@code
   * n}.
   */
  public List<SizedPath> largestFiles(int n) {
    return largestFiles.subList(0, Math.min(n, largestFiles.size()));
  }

  /**
   * The largest directories by total content below them (each inode once), largest first; at most
   * {@code n}.
   */
  public List<SizedPath> largestDirectories(int n) {
    return largestDirectories.subList(0, Math.min(n, largestDirectories.size()));
  }

  /**
   * What is eating the space: one row per source of bulk, largest first. Rows a preset removes come
   * from the strip engine itself (each removed byte under the rule and glob that removed it), so
   * for every preset the rows that name it add up to its estimate in {@link #presetEstimates()}.
   * Rows of presets that were not asked for say what each would add to the rules given
   * (alternatives may claim the same bytes); {@code keep} rows are bulk a preset matches but keeps
   * on purpose; {@code none} rows are known bulk that no preset handles.
   */
  public List<BulkItem> knownBulk() {
    return knownBulk;
  }

  /**
   * Whether content was hashed; when false {@link #duplicates()} is empty because nobody looked.
   */
  public boolean duplicatesSearched() {
    return duplicatesSearched;
  }

  /** Groups of identical final files at different paths, most repeated bytes first. */
  public List<DuplicateGroup> duplicates() {
    return duplicates;
  }

  /** Bytes that duplicate groups repeat: for each group, size times (paths - 1). */
  public long duplicateBytes() {
    return duplicates.stream().mapToLong(DuplicateGroup::repeatedBytes).sum();
  }

  /** Size estimates of the squashed (and stripped) output. */
  public Estimates estimates() {
    return estimates;
  }

  /** What the strip rules given would remove, or null when none were given. */
  public @Nullable StripEstimate strip() {
    return strip;
  }

  /**
   * Every preset with its estimate: the ones given with what they remove, then {@code safe} (unless
   * given) and each opt-in preset with what it would add to the rules given.
   */
  public List<PresetEstimate> presetEstimates() {
    return presets;
  }

  /** The final tree, in output order (parents first). */
  public List<FlattenedImage.Entry> finalTree() {
    return finalTree;
  }

  /**
   * The {@link #knownBulk()} row that holds the final-tree entry at {@code index} in {@link
   * #finalTree()}, or null when it is in none; for a hardlinked file only the first path has one.
   */
  public @Nullable BulkItem bulkOf(int index) {
    int r = bulkOf[index];
    return r < 0 ? null : knownBulk.get(r);
  }

  /**
   * One layer.
   *
   * @param index position, 0 = bottom
   * @param digest blob digest
   * @param diffId diff_id
   * @param compression blob compression (gzip, zstd, none)
   * @param compressedBytes blob size
   * @param uncompressedBytes tar stream size
   * @param entries filesystem entries added (whiteout markers excluded)
   * @param whiteouts whiteout and opaque markers
   * @param contentBytes sum of regular-file content sizes
   * @param wastedBytes content bytes of this layer hidden in the final image
   * @param createdBy the history entry's created_by, or "" when the history does not say
   */
  public record Layer(
      int index,
      String digest,
      String diffId,
      String compression,
      long compressedBytes,
      long uncompressedBytes,
      long entries,
      long whiteouts,
      long contentBytes,
      long wastedBytes,
      String createdBy) {
    /** Content bytes of this layer that survive in the final image. */
    public long liveBytes() {
      return contentBytes - wastedBytes;
    }
  }

  /**
   * A path with a size.
   *
   * @param path normalised path, no leading slash
   * @param bytes content bytes (for a directory: everything below it)
   * @param files files counted (1 for a file)
   * @param layer for files the layer the content comes from; -1 for directories
   */
  public record SizedPath(String path, long bytes, long files, int layer) {}

  /** Action value of a row some preset removes. */
  public static final String REMOVE = "remove";

  /** Action value of a row a preset matches but keeps on purpose. */
  public static final String KEEP = "keep";

  /** Action value of known bulk that no preset handles. */
  public static final String NONE = "none";

  /**
   * One source of bulk: a row of the "what is eating the space" table.
   *
   * @param source where it is: a path, or a glob when it is spread over many places
   * @param bytes content bytes (each inode once); for a preset not given, what it adds to the rules
   *     given
   * @param files regular files counted
   * @param description what it is
   * @param action {@link #REMOVE}, {@link #KEEP} or {@link #NONE}
   * @param preset the preset (or {@code remove:GLOB} rule) that removes or keeps it; null for
   *     {@link #NONE}
   * @param selected whether the strip rules given remove it
   * @param why for {@link #KEEP}: why it stays; for {@link #NONE}: {@code "no preset"}; null
   *     otherwise
   * @param paths the largest places it was found (at most 5), largest first
   */
  public record BulkItem(
      String source,
      long bytes,
      long files,
      String description,
      String action,
      @Nullable String preset,
      boolean selected,
      @Nullable String why,
      List<SizedPath> paths) {}

  /**
   * What one preset removes.
   *
   * @param preset the preset, {@code safe}, or a {@code remove:GLOB} rule
   * @param group {@code safe} for a member of safe, {@code opt-in}, {@code umbrella} for safe
   *     itself, {@code remove} for a glob
   * @param selected whether it was given; then the bytes are its share of the rules given
   *     (strip.perRule), otherwise what adding it to the rules given would remove on top
   * @param bytes content bytes
   * @param entries entries
   * @param note how the estimate was made when that needs saying (e.g. the CPU level assumed), or
   *     null
   */
  public record PresetEstimate(
      String preset,
      String group,
      boolean selected,
      long bytes,
      long entries,
      @Nullable String note) {}

  /**
   * Identical files at different paths.
   *
   * @param sha256 hex digest of the content
   * @param size size of one copy
   * @param paths the paths (first path of each inode), sorted
   */
  public record DuplicateGroup(String sha256, long size, List<String> paths) {
    /** Bytes beyond the first copy. */
    public long repeatedBytes() {
      return size * (paths.size() - 1);
    }
  }

  /**
   * Size estimates.
   *
   * @param squashedTarBytes uncompressed size of the squashed layer as ocisquash writes it (exact
   *     for its headers, computed by running them through the tar writer)
   * @param compressionRatio compressed / uncompressed bytes assumed
   * @param compressionMethod how the ratio was obtained
   * @param squashedCompressedBytes estimate of the squashed layer blob size
   * @param strippedTarBytes uncompressed size after stripping too, or -1 without strip rules
   * @param strippedCompressedBytes estimate of the stripped blob, or -1
   */
  public record Estimates(
      long squashedTarBytes,
      double compressionRatio,
      String compressionMethod,
      long squashedCompressedBytes,
      long strippedTarBytes,
      long strippedCompressedBytes) {}

  /**
   * What stripping would remove.
   *
   * @param rules strip rules asked for (presets and globs), in order
   * @param removedBytes content bytes all rules together remove
   * @param removedEntries entries all rules together remove
   * @param perRule bytes and entries per rule (a file removed by several rules counts for the
   *     first)
   * @param perPreset bytes each preset would remove on its own
   * @param keptByCheck paths a rule matched but a safety check kept, with the reason
   * @param notes what the strip engine says about presets it skipped or narrowed
   */
  public record StripEstimate(
      List<String> rules,
      long removedBytes,
      long removedEntries,
      List<RuleSaving> perRule,
      List<RuleSaving> perPreset,
      List<KeptPath> keptByCheck,
      List<String> notes) {}

  /**
   * Savings of one rule or preset.
   *
   * @param rule the rule or preset name
   * @param bytes content bytes removed
   * @param entries entries removed
   */
  public record RuleSaving(String rule, long bytes, long entries) {}

  /**
   * A path kept despite a matching rule.
   *
   * @param path the path
   * @param reason why it was kept
   */
  public record KeptPath(String path, String reason) {}
}
