package dev.ocisquash.squash;

import dev.ocisquash.layering.Grouping;
import dev.ocisquash.layering.Prior;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The layout stage of a squash: turns the flattened, stripped tree into the new layers' plans, one
 * layer or, with {@code --max-layers}, the re-layering split ({@link Relayering}).
 */
final class LayoutStep implements SquashStep<LayoutStep.Layout> {
  /**
   * The new layers to write, bottom first.
   *
   * @param parts one per new layer, at most {@code maxLayers}
   * @param maxLayers the N of the layout; 1 for a single-layer squash
   */
  record Layout(List<LayerSplitter.Part> parts, int maxLayers) {
    /** Whether the layers are a re-layering split (they then carry slot annotations). */
    boolean relayering() {
      return maxLayers > 1;
    }
  }

  private final FlattenStep.Flattened flat;
  private final StripStep.Stripped stripped;
  private final @Nullable Future<Grouping> grouping;
  private final @Nullable Prior prior;
  private final SquashOptions options;
  private final int first;

  /**
   * @param grouping the {@link GroupingStep} running in the background; null for a single layer
   * @param prior the prior placement ({@link ReadPriorStep}), or null
   * @param first index of the first squashed layer
   */
  LayoutStep(
      FlattenStep.Flattened flat,
      StripStep.Stripped stripped,
      @Nullable Future<Grouping> grouping,
      @Nullable Prior prior,
      SquashOptions options,
      int first) {
    this.flat = flat;
    this.stripped = stripped;
    this.grouping = grouping;
    this.prior = prior;
    this.options = options;
    this.first = first;
  }

  /** Plans the new layers. */
  @Override
  public Layout run() throws IOException {
    LayerPlan plan =
        LayerPlan.build(
            flat.planner(),
            flat.basePlanner(),
            first,
            flat.sorted(),
            stripped.removed(),
            stripped.rewrittenInKept(),
            flat.markersOverUnreadBase());
    int maxLayers = options.maxLayers();
    if (maxLayers <= 1) {
      return new Layout(List.of(new LayerSplitter.Part(0, plan, Map.of())), maxLayers);
    }
    // Read the plan's items while the grouping still runs on its thread.
    LayerSplitter.Items items = LayerSplitter.prepare(plan);
    Grouping groups =
        Futures.get(
            Objects.requireNonNull(grouping, "grouping runs for --max-layers above 1"),
            "grouping files by owner");
    List<LayerSplitter.Part> parts =
        Relayering.split(groups, items, maxLayers, prior, options.sourceDateEpoch());
    return new Layout(parts, maxLayers);
  }
}
