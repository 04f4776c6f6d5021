package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.layering.Grouping;
import dev.ocisquash.layering.Prior;
import dev.ocisquash.strip.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * The layout stage of a squash: turns the flattened, stripped tree into the new layers' plans, one layer or, with
 * {@code --max-layers}, the re-layering split ({@link Relayering}).
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
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
  static @Nullable Prior readPrior(SquashOptions options, OpenStep.Workspace ws) throws IOException {
    return options.prior() == null
        ? null
        : Relayering.readPrior(options.prior(), options.maxLayers(), options.limits(), ws.tempFiles());
  }

  /**
   * Starts grouping the flattened tree by owner for {@code --max-layers} on a thread of its own, so that it overlaps
   * the strip stage: it reads the unstripped tree, which nothing changes, and takes 0.1-0.2 s on a Debian image
   * (reading the dpkg lists), about what re-layering added to the planning. Returns null when not re-layering.
   *
   * @param tree the flattened tree before stripping
   */
  static @Nullable Future<Grouping> startGrouping(@Nullable FileTree tree, SquashOptions options) {
    if (options.maxLayers() <= 1) {
      return null;
    }
    FutureTask<Grouping> task = new FutureTask<>(() -> Grouping.of(tree, options.bigFile()));
    Thread t = new Thread(task, "ocisquash-grouping");
    t.setDaemon(true);
    t.start();
    return task;
  }

  /**
   * Plans the new layers.
   *
   * @param grouping from {@link #startGrouping}; null for a single layer
   * @param prior the prior placement, or null
   */
  static Layout run(
      FlattenStep.Flattened flat,
      StripStep.Stripped stripped,
      @Nullable Future<Grouping> grouping,
      @Nullable Prior prior,
      SquashOptions options,
      int first)
      throws IOException {
    LayerPlan plan = LayerPlan.build(
        flat.planner(), flat.basePlanner(), first, flat.sorted(), stripped.removed(), flat.markersOverUnreadBase());
    int maxLayers = options.maxLayers();
    if (maxLayers <= 1) {
      return new Layout(List.of(new LayerSplitter.Part(0, plan, Map.of())), maxLayers);
    }
    Grouping groups = Futures.get(grouping, "grouping files by owner");
    List<LayerSplitter.Part> parts = Relayering.split(groups, plan, maxLayers, prior, options.sourceDateEpoch());
    return new Layout(parts, maxLayers);
  }
}
