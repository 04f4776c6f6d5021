package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.layering.Component;
import dev.ocisquash.layering.Grouping;
import dev.ocisquash.layering.LayerAnnotations;
import dev.ocisquash.layering.Packer;
import dev.ocisquash.layering.Packing;
import dev.ocisquash.layering.Prior;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code --max-layers} and {@code --prior} for a squash: reads the prior release's placement,
 * groups the planned tree by owner ({@link Grouping}), packs the groups into slots ({@link Packer})
 * and splits the layer plan ({@link LayerSplitter}).
 */
final class Relayering {
  private Relayering() {}

  /**
   * Reads the placement a previous release recorded in its layer annotations.
   *
   * @param maxLayers the N of this run, which the prior must share
   * @throws ImageException when the image cannot be read, carries no (or malformed) ocisquash
   *     annotations, or was laid out for another N
   */
  static Prior readPrior(Path prior, int maxLayers, Limits limits, TempFiles tempFiles)
      throws IOException {
    try (SourceImage image = ImageArchives.open(prior, ImageSelector.any(), limits, tempFiles)) {
      Prior p;
      try {
        p = LayerAnnotations.priorOf(image.manifest());
      } catch (IllegalArgumentException e) {
        throw new ImageException(
            Kind.CORRUPT_INPUT,
            ImageException.where(image.source(), null, null, "--prior: " + e.getMessage()));
      }
      if (p == null) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            ImageException.where(
                image.source(),
                null,
                null,
                "--prior: no layer carries the "
                    + LayerAnnotations.SLOT
                    + " annotation; give an image squashed by ocisquash with --max-layers"));
      }
      if (p.maxLayers() != maxLayers) {
        // Slots are fixed by N: under another N the prior's placement means nothing, and ignoring
        // it silently
        // would give a full re-pull the user did not ask for.
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            ImageException.where(
                image.source(),
                null,
                null,
                "--prior was laid out for --max-layers "
                    + p.maxLayers()
                    + ", this run asks for "
                    + maxLayers
                    + "; give the same N, or leave out --prior to lay out afresh"));
      }
      return p;
    }
  }

  /**
   * Splits the plan into the layers of a layout of {@code maxLayers}.
   *
   * @param grouping the planned tree before stripping, grouped ({@link Grouping#of})
   * @param items the layer plan's items ({@link LayerSplitter#prepare})
   * @param prior the prior placement, or null
   * @return the layers, bottom first, at most {@code maxLayers}
   */
  static List<LayerSplitter.Part> split(
      Grouping grouping,
      LayerSplitter.Items items,
      int maxLayers,
      @Nullable Prior prior,
      @Nullable Long sourceDateEpoch) {
    Packing packing = Packer.pack(grouping.sizes(), maxLayers, Packer.DEFAULT_HEAVY, prior);
    List<LayerSplitter.Part> parts =
        LayerSplitter.split(items, grouping.inTreeOrder(), packing, sourceDateEpoch);
    if (parts.size() > maxLayers) {
      throw new IllegalStateException(parts.size() + " layers for --max-layers " + maxLayers);
    }
    return parts;
  }

  /** The descriptor annotations of one layer of the split. */
  static Map<String, String> annotations(LayerSplitter.Part part, int maxLayers) {
    return LayerAnnotations.of(part.slot, maxLayers, part.groups.keySet());
  }

  /** The groups of a part as ids with their bytes. */
  static Map<String, Long> groupBytes(LayerSplitter.Part part) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Map.Entry<Component, Long> e : part.groups.entrySet()) {
      out.put(e.getKey().id(), e.getValue());
    }
    return out;
  }
}
