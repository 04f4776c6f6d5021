package dev.ocisquash.squash;

import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.layering.Grouping;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The planning stage of a squash: the one read of every layer, newest first ({@link LayerScan}),
 * that decides with {@link SquashPlanner} what survives and keeps the surviving content where the
 * writer will find it (copied to the spool, or read in place when the layer is stored
 * uncompressed).
 */
final class FlattenStep implements SquashStep<FlattenStep.Flattened> {
  private static final int BUFFER = 1 << 20;

  private final OpenStep.Selection sel;
  private final Spool spool;
  private final Limits limits;
  private final Progress progress;
  private final boolean skipKept;

  /**
   * @param spool where content that cannot be read in place is copied
   * @param limits what each read counts against (afresh for a read of every layer after a declined
   *     one)
   * @param progress told the stages; the {@code plan} stage is left open for the steps that follow
   * @param skipKept whether a partial squash may leave the kept layers unread (see {@link #run})
   */
  FlattenStep(
      OpenStep.Selection sel, Spool spool, Limits limits, Progress progress, boolean skipKept) {
    this.sel = sel;
    this.spool = spool;
    this.limits = limits;
    this.progress = progress;
    this.skipKept = skipKept;
  }

  /**
   * The flattened tree.
   *
   * @param planner what the whole image unpacks to
   * @param basePlanner for a partial squash, what the kept layers alone unpack to (for the
   *     whiteouts the new layer must carry); null for a full squash
   * @param sorted the surviving records in output order
   * @param contents where the surviving content is read back
   * @param entriesRead entries read from the squashed layers (kept layers are only scanned)
   * @param markersOverUnreadBase when the kept layers were not read, the new layer's whiteout and
   *     opaque markers ({@link SquashPlanner#markersOverUnreadLayers}); else null
   */
  record Flattened(
      SquashPlanner planner,
      @Nullable SquashPlanner basePlanner,
      List<SquashPlanner.PlannedPath> sorted,
      ContentStore contents,
      long entriesRead,
      @Nullable List<byte[]> markersOverUnreadBase) {
    /** The tree as the strip rules and the grouping see it. */
    FileTree tree() {
      return PlannedFileTree.of(sorted, contents);
    }
  }

  /**
   * Reads the layers of the selection and plans the flattened tree.
   *
   * <p>With {@code skipKept}, a partial squash first reads only the squashed layers: the kept ones
   * stay unread (in a registry, never downloaded), and the new layer hides again whatever the
   * squashed layers hid, without knowing whether the kept layers have it. That needs nothing from
   * the kept tree unless a surviving hardlink targets a kept file, or a path became a directory
   * only through entries that did not survive; then every layer is read after all. The caller asks
   * for it only when nothing else needs the kept tree (no strip rules, which may white out kept
   * paths and check kept executables; no re-layering, which groups the whole tree).
   */
  @Override
  public Flattened run() throws IOException {
    int first = sel.firstSquashed();
    byte[] scratch = new byte[BUFFER];
    if (skipKept && first > 0) {
      SquashPlanner planner = new SquashPlanner();
      PlanningVisitor reading =
          new PlanningVisitor(planner, null, first, false, false, spool, scratch);
      LayerScan.run(sel.image(), first, first, limits.newMeter(), progress, reading);
      progress.stage("plan", -1);
      List<byte[]> markers = planner.markersOverUnreadLayers(first);
      if (markers != null) {
        return planned(sel, planner, null, reading, spool, scratch, markers);
      }
      progress.done();
    }
    SquashPlanner planner = new SquashPlanner();
    SquashPlanner basePlanner = first > 0 ? new SquashPlanner() : null;
    PlanningVisitor reading =
        new PlanningVisitor(
            planner, basePlanner, first, sel.stripping(), sel.relayering(), spool, scratch);
    LayerScan.run(sel.image(), first, limits.newMeter(), progress, reading);
    progress.stage("plan", -1);
    return planned(sel, planner, basePlanner, reading, spool, scratch, null);
  }

  private static Flattened planned(
      OpenStep.Selection sel,
      SquashPlanner planner,
      @Nullable SquashPlanner basePlanner,
      PlanningVisitor reading,
      Spool spool,
      byte[] scratch,
      @Nullable List<byte[]> markers)
      throws IOException {
    planner.checkLinks();
    ContentStore contents = new ContentStore(spool);
    List<SquashPlanner.PlannedPath> sorted = planner.liveRecordsSorted();
    captureDeferred(sel.image(), sorted, spool, scratch);
    return new Flattened(planner, basePlanner, sorted, contents, reading.entriesRead, markers);
  }

  /**
   * Feeds each entry of the scan to the planners: the full one, and for a partial squash the
   * base-only one that sees the kept layers. Keeps the content of surviving files where the writer
   * will find it.
   */
  private static final class PlanningVisitor implements LayerScan.Visitor {
    private final SquashPlanner planner;
    private final @Nullable SquashPlanner basePlanner;
    private final int first;
    private final boolean stripping;
    private final boolean relayering;
    private final Spool spool;
    private final byte[] scratch;
    private boolean kept;
    private boolean inPlace;
    private @Nullable SourceLayer layer;

    /** Entries read from the squashed layers (kept layers are only scanned). */
    long entriesRead;

    PlanningVisitor(
        SquashPlanner planner,
        @Nullable SquashPlanner basePlanner,
        int first,
        boolean stripping,
        boolean relayering,
        Spool spool,
        byte[] scratch) {
      this.planner = planner;
      this.basePlanner = basePlanner;
      this.first = first;
      this.stripping = stripping;
      this.relayering = relayering;
      this.spool = spool;
      this.scratch = scratch;
    }

    /** The planner of the kept layers; a scan that reads kept layers always has one. */
    private SquashPlanner base() {
      return Objects.requireNonNull(basePlanner, "kept layers without a base planner");
    }

    @Override
    public void beginLayer(int index, SourceLayer l, String context) throws IOException {
      kept = index < first; // never in a scan that starts at first (the one without a basePlanner)
      inPlace = l.compression() == Compression.NONE && l.readsInPlace();
      layer = l;
      planner.beginLayer(index, context, kept);
      if (kept) {
        base().beginLayer(index, context, true);
      }
    }

    @Override
    public void entry(TarEntry e, long ordinal, TarReader reader) throws IOException {
      if (!kept) {
        entriesRead++;
      }
      SquashPlanner.Offer offer = planner.offer(e, ordinal);
      if (kept) {
        base().offer(e, ordinal);
      }
      if (offer.capture() != null) {
        // Uncompressed blobs are read again in place when the layer is written; the rest is copied
        // aside.
        if (inPlace) {
          offer.capture().contentInBlob(Objects.requireNonNull(layer, "layer"), reader.position());
        } else {
          offer.capture().contentSpooled(spool.append(reader.content(), e.size(), scratch));
        }
      } else if ((stripping || relayering) && kept && offer.file() != null && e.size() > 0) {
        spoolIfRead(reader, e, offer.file());
      }
    }

    /**
     * In a kept layer, spools the content the strip safety checks read (ELF files, scripts, loader
     * configuration) and the package databases that grouping and package removal read; other kept
     * content is never copied.
     */
    private void spoolIfRead(TarReader reader, TarEntry e, FileObject file) throws IOException {
      InputStream in = reader.content();
      byte[] head = in.readNBytes(ContentKind.HEAD);
      if ((stripping && ContentKind.readByStripChecks(e.path(), head))
          || ((relayering || stripping) && Grouping.readsContentOf("/" + e.path()))) {
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), in);
        file.contentSpooled(spool.append(whole, e.size(), scratch));
      }
    }
  }

  /**
   * Reads again, once per layer, the few contents that were deferred (same-layer hardlinks to
   * shadowed files).
   */
  private static void captureDeferred(
      SourceImage image, List<SquashPlanner.PlannedPath> records, Spool spool, byte[] scratch)
      throws IOException {
    Map<Integer, TreeMap<Long, List<FileObject>>> byLayer = new HashMap<>();
    IdentityHashMap<FileObject, Boolean> seen = new IdentityHashMap<>();
    for (SquashPlanner.PlannedPath r : records) {
      FileObject f = r.file == null ? null : r.file.resolve();
      if (f != null
          && f.where() == FileObject.Where.DEFERRED
          && seen.put(f, Boolean.TRUE) == null) {
        byLayer
            .computeIfAbsent(f.deferredLayer(), k -> new TreeMap<>())
            .computeIfAbsent(f.deferredOrdinal(), k -> new ArrayList<>())
            .add(f);
      }
    }
    LayerRereader.visit(
        image,
        byLayer,
        (objs, e, content) -> {
          long offset = spool.append(content, e.size(), scratch);
          for (FileObject f : objs) {
            f.contentSpooled(offset);
          }
        });
  }
}
