package dev.ocisquash.squash;

import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.PushSummary;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.strip.StripReport;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a squash did: sizes, counts and the identity of the written image. */
public final class SquashResult {
  private final long inputBytes;
  private final long outputBytes;
  private final int layersIn;
  private final int layersOut;
  private final long entriesRead;
  private final long entriesWritten;
  private final long shadowedEntries;
  private final long whiteouts;
  private final long promotedLinks;
  private final Digest manifestDigest;
  private final Digest diffId;
  private final OutputFormat format;
  private final Compression compression;
  private final int firstSquashedLayer;
  private final @Nullable StripReport stripReport;
  private final long strippedFromKeptLayersBytes;
  private final @Nullable PushSummary push;
  private final java.util.List<SquashedLayer> newLayers;

  private SquashResult(Builder b) {
    this.inputBytes = b.inputBytes;
    this.outputBytes = b.outputBytes;
    this.layersIn = b.layersIn;
    this.layersOut = b.layersOut;
    this.entriesRead = b.entriesRead;
    this.entriesWritten = b.entriesWritten;
    this.shadowedEntries = b.shadowedEntries;
    this.whiteouts = b.whiteouts;
    this.promotedLinks = b.promotedLinks;
    this.manifestDigest = Objects.requireNonNull(b.manifestDigest, "manifestDigest");
    this.diffId = Objects.requireNonNull(b.diffId, "diffId");
    this.format = Objects.requireNonNull(b.format, "format");
    this.compression = Objects.requireNonNull(b.compression, "compression");
    this.firstSquashedLayer = b.firstSquashedLayer;
    this.stripReport = b.stripReport;
    this.strippedFromKeptLayersBytes = b.strippedFromKeptLayersBytes;
    this.newLayers = java.util.List.copyOf(b.newLayers);
    this.push = b.push;
  }

  /** A builder with every count at zero and every reference null (no new layers). */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Collects a result's values by name: a squash learns them stage by stage, and eighteen adjacent
   * positional arguments (many of them longs) are too easy to swap.
   */
  static final class Builder {
    private long inputBytes;
    private long outputBytes;
    private int layersIn;
    private int layersOut;
    private long entriesRead;
    private long entriesWritten;
    private long shadowedEntries;
    private long whiteouts;
    private long promotedLinks;
    private @Nullable Digest manifestDigest;
    private @Nullable Digest diffId;
    private @Nullable OutputFormat format;
    private @Nullable Compression compression;
    private int firstSquashedLayer;
    private @Nullable StripReport stripReport;
    private long strippedFromKeptLayersBytes;
    private java.util.List<SquashedLayer> newLayers = java.util.List.of();
    private @Nullable PushSummary push;

    private Builder() {}

    Builder inputBytes(long v) {
      this.inputBytes = v;
      return this;
    }

    Builder outputBytes(long v) {
      this.outputBytes = v;
      return this;
    }

    Builder layersIn(int v) {
      this.layersIn = v;
      return this;
    }

    Builder layersOut(int v) {
      this.layersOut = v;
      return this;
    }

    Builder entriesRead(long v) {
      this.entriesRead = v;
      return this;
    }

    Builder entriesWritten(long v) {
      this.entriesWritten = v;
      return this;
    }

    Builder shadowedEntries(long v) {
      this.shadowedEntries = v;
      return this;
    }

    Builder whiteouts(long v) {
      this.whiteouts = v;
      return this;
    }

    Builder promotedLinks(long v) {
      this.promotedLinks = v;
      return this;
    }

    Builder manifestDigest(Digest v) {
      this.manifestDigest = v;
      return this;
    }

    Builder diffId(Digest v) {
      this.diffId = v;
      return this;
    }

    Builder format(OutputFormat v) {
      this.format = v;
      return this;
    }

    Builder compression(Compression v) {
      this.compression = v;
      return this;
    }

    Builder firstSquashedLayer(int v) {
      this.firstSquashedLayer = v;
      return this;
    }

    Builder stripReport(@Nullable StripReport v) {
      this.stripReport = v;
      return this;
    }

    Builder strippedFromKeptLayersBytes(long v) {
      this.strippedFromKeptLayersBytes = v;
      return this;
    }

    Builder newLayers(java.util.List<SquashedLayer> v) {
      this.newLayers = v;
      return this;
    }

    Builder push(@Nullable PushSummary v) {
      this.push = v;
      return this;
    }

    SquashResult build() {
      return new SquashResult(this);
    }
  }

  /** For a push to a registry, what was sent and what was saved; null for a file output. */
  public @Nullable PushSummary push() {
    return push;
  }

  /**
   * The new layers, bottom first: one for a single-layer squash, up to {@code --max-layers}
   * otherwise.
   */
  public java.util.List<SquashedLayer> newLayers() {
    return newLayers;
  }

  /**
   * Bytes of stripped files that live in kept base layers: they are hidden by whiteouts, but the
   * base layers still carry them, so they save nothing in the image.
   */
  public long strippedFromKeptLayersBytes() {
    return strippedFromKeptLayersBytes;
  }

  /** Every strip decision with per-rule totals, or null when no strip rules were given. */
  public @Nullable StripReport stripReport() {
    return stripReport;
  }

  /**
   * Index of the first squashed layer (0 for a full squash); the layers below it were kept byte for
   * byte.
   */
  public int firstSquashedLayer() {
    return firstSquashedLayer;
  }

  /** Size of the input (archive file, or sum of blobs for a layout directory). */
  public long inputBytes() {
    return inputBytes;
  }

  /** Size of the written output. */
  public long outputBytes() {
    return outputBytes;
  }

  /** Layers in the input image. */
  public int layersIn() {
    return layersIn;
  }

  /** Layers in the output image. */
  public int layersOut() {
    return layersOut;
  }

  /** Filesystem entries read from all squashed layers, markers included. */
  public long entriesRead() {
    return entriesRead;
  }

  /** Entries written to the new layer. */
  public long entriesWritten() {
    return entriesWritten;
  }

  /** Entries dropped because a higher layer overwrote or deleted them. */
  public long shadowedEntries() {
    return shadowedEntries;
  }

  /** Whiteout and opaque markers consumed. */
  public long whiteouts() {
    return whiteouts;
  }

  /** Hardlinks turned into regular files because their target was replaced or deleted above. */
  public long promotedLinks() {
    return promotedLinks;
  }

  /** Digest of the written image manifest. */
  public Digest manifestDigest() {
    return manifestDigest;
  }

  /** diff_id of the new layer (the top one when several were written). */
  public Digest diffId() {
    return diffId;
  }

  /** The output format used. */
  public OutputFormat format() {
    return format;
  }

  /** The layer compression used. */
  public Compression compression() {
    return compression;
  }
}
