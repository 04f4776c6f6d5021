package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.archive.ImageNames;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.archive.WrittenImage;
import dev.ocisquash.layering.Grouping;
import dev.ocisquash.layering.Prior;
import dev.ocisquash.strip.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Squashes an image: reads every layer once, newest first, decides with {@link SquashPlanner} what
 * survives, keeps the surviving content (copied to a spool, or read in place when the layer is
 * stored uncompressed), then writes one sorted, reproducible layer (or, with {@code --max-layers},
 * a few) and the new image around it. Layers below the squash point are copied byte for byte.
 *
 * <pre>{@code
 * SquashResult r = Squasher.squash(SquashOptions.builder(Path.of("in.tar"), Path.of("out.tar")).build());
 * System.out.println(r.layersIn() + " layers -> " + r.layersOut());
 * }</pre>
 *
 * <p>Nothing is written at the output path until the image is complete; a failure leaves nothing
 * behind.
 *
 * <p>The squash runs as named steps ({@link SquashStep}), each an object constructed with its
 * inputs whose {@code run()} hands on a record: {@link OpenStep} (open, select), {@link
 * FlattenStep} (the layer scan and the plan), {@link ReadPriorStep}, {@link GroupingStep} (on a
 * thread of its own, beside {@link StripStep}), {@link LayoutStep} (one layer or the re-layering
 * split), {@link WriteLayersStep}, {@link ConfigStep} and {@link WriteImageStep}. The output is
 * checked, and later begun, by {@link Workspace}.
 */
public final class Squasher {
  private Squasher() {}

  /**
   * Runs a squash.
   *
   * @throws ImageException for bad input, with a one-line message naming the file, layer and entry,
   *     and its {@link ImageException#kind() kind}; {@link ImageException.Kind#INTERRUPTED} when
   *     the thread was interrupted
   * @throws IOException for other I/O failures while reading or writing
   */
  public static SquashResult squash(SquashOptions options) throws IOException {
    try {
      return run(options);
    } catch (IOException e) {
      throw ImageException.orInterrupted(e);
    }
  }

  private static SquashResult run(SquashOptions options) throws IOException {
    Workspace ws = Workspace.check(options);
    Progress progress = options.progress();
    try (OpenStep.Selection sel = new OpenStep(options, ws).run()) {
      ImageNames names = outputNames(options, sel); // a bad name fails before any layer is read
      try (Spool spool = new Spool(ws.tempDir(), ws.tempFiles(), options.outputName())) {
        // Kept layers in a registry are left undownloaded when nothing needs their tree.
        boolean skipKept = options.inputRef() != null && !sel.stripping() && !sel.relayering();
        FlattenStep.Flattened flat =
            new FlattenStep(sel, spool, options.limits(), progress, skipKept).run();
        Prior prior = new ReadPriorStep(options, ws).run().orElse(null);
        // The tree is only the strip rules' and the grouping's view: dropped before the layers are
        // written.
        FileTree tree = sel.stripping() || sel.relayering() ? flat.tree() : null;
        Future<Grouping> grouping =
            options.maxLayers() > 1
                ? inBackground(
                    new GroupingStep(
                        Objects.requireNonNull(tree, "re-layering reads the tree"), options),
                    "ocisquash-grouping")
                : null;
        StripStep.Stripped stripped =
            new StripStep(flat, tree, options.strip(), sel.firstSquashed()).run();
        if (grouping != null
            && stripped.result() != null
            && !stripped.result().rewrites().isEmpty()) {
          Futures.get(
              grouping, "grouping files by owner"); // it reads the content the rewrite replaces
        }
        stripped = new RewriteStep(flat, stripped, spool, sel.firstSquashed()).run();
        LayoutStep.Layout layout =
            new LayoutStep(flat, stripped, grouping, prior, options, sel.firstSquashed()).run();
        tree = null;
        grouping = null; // the grouping looks paths up in the tree
        progress.done();
        WriteLayersStep.WrittenLayers layers;
        WrittenImage written;
        try (ImageWriter.PendingImage out = ws.beginImage(options, sel.format())) {
          layers = new WriteLayersStep(out, sel, layout, flat.contents(), options, ws).run();
          ObjectNode config = new ConfigStep(sel, layers, options).run();
          written = new WriteImageStep(out, config, sel, names, progress).run();
        }
        return result(options, sel, flat, stripped, layers, written);
      }
    }
  }

  /**
   * Starts {@code step} on a daemon thread of its own; the future gives its result or its failure.
   */
  private static <T> Future<T> inBackground(SquashStep<T> step, String threadName) {
    FutureTask<T> task = new FutureTask<>(step::run);
    Thread t = new Thread(task, threadName);
    t.setDaemon(true);
    t.start();
    return task;
  }

  /** What the stages did, for the summary and the report. */
  private static SquashResult result(
      SquashOptions options,
      OpenStep.Selection sel,
      FlattenStep.Flattened flat,
      StripStep.Stripped stripped,
      WriteLayersStep.WrittenLayers layers,
      WrittenImage written)
      throws IOException {
    return SquashResult.builder()
        .inputBytes(options.input() != null ? sizeOf(options.input()) : blobBytes(sel.layers()))
        .outputBytes(written.bytesWritten())
        .layersIn(sel.layers().size())
        .layersOut(sel.firstSquashed() + layers.newLayers().size())
        .entriesRead(flat.entriesRead())
        .entriesWritten(layers.entries())
        .shadowedEntries(flat.planner().shadowedEntries())
        .whiteouts(flat.planner().whiteoutEntries())
        .promotedLinks(layers.promoted())
        .manifestDigest(written.manifestDigest())
        .diffId(layers.topDiffId())
        .format(sel.format())
        .compression(sel.compression())
        .firstSquashedLayer(sel.firstSquashed())
        .stripReport(stripped.result() == null ? null : stripped.result().report())
        .strippedFromKeptLayersBytes(stripped.fromKeptBytes())
        .newLayers(layers.newLayers())
        .push(written.push())
        .build();
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

  /** The output's names: the user's name for it, checked for its format, else the input's. */
  private static ImageNames outputNames(SquashOptions options, OpenStep.Selection sel)
      throws ImageException {
    String name = options.imageName();
    if (name == null) {
      return ImageNames.of(sel.image().names());
    }
    if (options.outputRef() != null) {
      throw new ImageException(
          ImageException.Kind.INVALID_ARGUMENT,
          options.outputName() + ": a registry output is named by its reference, not by a name");
    }
    return ImageNames.forOutput(options.outputName(), name, sel.format());
  }
}
