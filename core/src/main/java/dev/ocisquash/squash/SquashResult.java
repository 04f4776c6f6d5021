package dev.ocisquash.squash;

import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.PushSummary;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import dev.ocisquash.strip.StripReport;

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
  private final StripReport stripReport;
  private final long strippedFromKeptLayersBytes;
  private final PushSummary push;
  private final java.util.List<SquashedLayer> newLayers;

  SquashResult(
      long inputBytes,
      long outputBytes,
      int layersIn,
      int layersOut,
      long entriesRead,
      long entriesWritten,
      long shadowedEntries,
      long whiteouts,
      long promotedLinks,
      Digest manifestDigest,
      Digest diffId,
      OutputFormat format,
      Compression compression,
      int firstSquashedLayer,
      StripReport stripReport,
      long strippedFromKeptLayersBytes,
      java.util.List<SquashedLayer> newLayers,
      PushSummary push) {
    this.newLayers = java.util.List.copyOf(newLayers);
    this.inputBytes = inputBytes;
    this.outputBytes = outputBytes;
    this.layersIn = layersIn;
    this.layersOut = layersOut;
    this.entriesRead = entriesRead;
    this.entriesWritten = entriesWritten;
    this.shadowedEntries = shadowedEntries;
    this.whiteouts = whiteouts;
    this.promotedLinks = promotedLinks;
    this.manifestDigest = manifestDigest;
    this.diffId = diffId;
    this.format = format;
    this.compression = compression;
    this.firstSquashedLayer = firstSquashedLayer;
    this.stripReport = stripReport;
    this.strippedFromKeptLayersBytes = strippedFromKeptLayersBytes;
    this.push = push;
  }

  /** For a push to a registry, what was sent and what was saved; null for a file output. */
  public PushSummary push() {
    return push;
  }

  /** The new layers, bottom first: one for a single-layer squash, up to {@code --max-layers} otherwise. */
  public java.util.List<SquashedLayer> newLayers() {
    return newLayers;
  }

  /**
   * Bytes of stripped files that live in kept base layers: they are hidden by whiteouts, but the base layers still
   * carry them, so they save nothing in the image.
   */
  public long strippedFromKeptLayersBytes() {
    return strippedFromKeptLayersBytes;
  }

  /** Every strip decision with per-rule totals, or null when no strip rules were given. */
  public StripReport stripReport() {
    return stripReport;
  }

  /** Index of the first squashed layer (0 for a full squash); the layers below it were kept byte for byte. */
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
