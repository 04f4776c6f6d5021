package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The config stage of a squash: the input's config with the new diff_ids and history ({@link
 * ConfigRewriter}), and with {@code SOURCE_DATE_EPOCH} as the new layers' creation time when given.
 */
final class ConfigStep implements SquashStep<ObjectNode> {
  private final OpenStep.Selection sel;
  private final WriteLayersStep.WrittenLayers layers;
  private final SquashOptions options;

  ConfigStep(OpenStep.Selection sel, WriteLayersStep.WrittenLayers layers, SquashOptions options) {
    this.sel = sel;
    this.layers = layers;
    this.options = options;
  }

  /** The config of the squashed image; the selection's config is left as it was. */
  @Override
  public ObjectNode run() {
    ObjectNode config =
        ConfigRewriter.squash(
            sel.config(),
            layers.keptDiffIds(),
            sel.firstSquashed(),
            layers.newDiffIds(),
            "ocisquash squash " + options.squashPoint(),
            layers.comments());
    if (options.sourceDateEpoch() != null) {
      ConfigRewriter.setCreated(
          config,
          Instant.ofEpochSecond(options.sourceDateEpoch()).toString(),
          layers.newDiffIds().size());
    }
    return config;
  }
}
