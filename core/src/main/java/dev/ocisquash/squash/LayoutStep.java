package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.layering.Prior;
import dev.ocisquash.strip.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The layout stage of a squash: turns the flattened, stripped tree into the new layers' plans, one layer or, with
 * {@code --max-layers}, the re-layering split ({@link Relayering}).
 */
final class LayoutStep {
  private LayoutStep() {}

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

  /**
   * Fails at once, before the long scan, when the {@code --prior} path does not exist: the common mistake. What the
   * prior holds is read after the scan ({@link #readPrior}).
   *
   * @throws ImageException naming the path
   */
  static void checkPriorExists(SquashOptions options) throws ImageException {
    Path prior = options.prior();
    if (prior != null && !Files.exists(prior)) {
      throw new ImageException(
          ImageException.where(prior.toString(), null, null, "--prior: no such file or directory"));
    }
  }

  /**
   * Reads the prior release's placement for {@code --prior}, or returns null. Called after the layer scan: read
   * before it, the prior slowed the scan of the first layer by 0.3-0.5 s in every measured run ({@code --timings}, the
   * Debian release pair; the tar and JSON code the scan shares then runs with the prior's profile), which made
   * {@code --prior} cost 1.27 times a single-layer squash; read after it, it costs about 20 ms.
   */
  static Prior readPrior(SquashOptions options, OpenStep.Workspace ws) throws IOException {
    return options.prior() == null
        ? null
        : Relayering.readPrior(options.prior(), options.maxLayers(), options.limits(), ws.tempFiles());
  }

  /**
   * Plans the new layers.
   *
   * @param tree the flattened tree before stripping; null unless re-layering (or stripping)
   * @param prior the prior placement, or null
   */
  static Layout run(
      FlattenStep.Flattened flat,
      StripStep.Stripped stripped,
      FileTree tree,
      Prior prior,
      SquashOptions options,
      int first)
      throws IOException {
    LayerPlan plan = LayerPlan.build(flat.planner(), flat.basePlanner(), first, flat.sorted(), stripped.removed());
    int maxLayers = options.maxLayers();
    List<LayerSplitter.Part> parts =
        maxLayers > 1
            ? Relayering.split(tree, plan, maxLayers, options.bigFile(), prior, options.sourceDateEpoch())
            : List.of(new LayerSplitter.Part(0, plan, Map.of()));
    return new Layout(parts, maxLayers);
  }
}
