package dev.ocisquash.squash;

import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.OutputLayer;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.model.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The layer stage of a squash: copies the kept layers byte for byte, then writes the new layers:
 * one layer (or any layout on one thread) straight into the output, with no temporary copy; the
 * several layers of a re-layering several at once through temporary blobs ({@link
 * ConcurrentLayerWriter}), which keeps the compression threads busy across layer boundaries.
 */
final class WriteLayersStep implements SquashStep<WriteLayersStep.WrittenLayers> {
  private static final int BUFFER = 64 << 10;

  private final ImageWriter.PendingImage out;
  private final OpenStep.Selection sel;
  private final LayoutStep.Layout layout;
  private final ContentStore contents;
  private final SquashOptions options;
  private final Workspace ws;

  /**
   * @param out the output begun by {@link Workspace#beginImage}, which the layers are added to
   */
  WriteLayersStep(
      ImageWriter.PendingImage out,
      OpenStep.Selection sel,
      LayoutStep.Layout layout,
      ContentStore contents,
      SquashOptions options,
      Workspace ws) {
    this.out = out;
    this.sel = sel;
    this.layout = layout;
    this.contents = contents;
    this.options = options;
    this.ws = ws;
  }

  /**
   * The layers written, bottom first.
   *
   * @param keptDiffIds diff_ids of the kept layers
   * @param newDiffIds diff_ids of the new layers
   * @param comments the history comment of each new layer
   * @param newLayers what each new layer is and holds
   * @param entries tar entries written to the new layers
   * @param promoted hardlinks written as regular files
   */
  record WrittenLayers(
      List<Digest> keptDiffIds,
      List<Digest> newDiffIds,
      List<String> comments,
      List<SquashedLayer> newLayers,
      long entries,
      long promoted) {
    /** diff_id of the top new layer. */
    Digest topDiffId() {
      return newDiffIds.get(newDiffIds.size() - 1);
    }
  }

  /** Adds the kept layers, then the new ones, to the output. */
  @Override
  public WrittenLayers run() throws IOException {
    Progress progress = options.progress();
    List<Digest> keptDiffIds = copyKept(out, sel, progress);
    LayerWriter.Encoding encoding = LayerWriter.Encoding.of(options, sel.compression());
    String mediaType = layerMediaType(sel.format(), sel.compression());
    List<Digest> newDiffIds = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    List<SquashedLayer> newLayers = new ArrayList<>();
    long entries = 0;
    long promoted = 0;
    List<LayerWriter.Request> requests = new ArrayList<>();
    for (LayerSplitter.Part part : layout.parts()) {
      requests.add(
          new LayerWriter.Request(
              part.plan, contents, encoding, options.sourceDateEpoch(), progress));
    }
    List<LayerWriter.Written> written = new ArrayList<>();
    List<OutputLayer> blobs = new ArrayList<>();
    if (requests.size() > 1 && options.threads() > 1) {
      writeConcurrently(out, layout, requests, mediaType, options, ws, written, blobs);
    } else {
      for (int i = 0; i < requests.size(); i++) {
        NewLayer body = new NewLayer(requests.get(i));
        blobs.add(out.writeLayer(mediaType, annotations(layout, i), body));
        written.add(body.written());
      }
    }
    for (int i = 0; i < written.size(); i++) {
      LayerSplitter.Part part = layout.parts().get(i);
      LayerWriter.Written w = written.get(i);
      entries += w.entries();
      promoted += w.promoted();
      newDiffIds.add(w.diffId());
      comments.add(
          layout.relayering()
              ? sel.squashedLayers()
                  + ": slot "
                  + part.slot
                  + " of "
                  + layout.maxLayers()
                  + " ("
                  + part.groups.size()
                  + " groups)"
              : sel.squashedLayers() + " into 1");
      newLayers.add(
          new SquashedLayer(
              part.slot,
              layout.maxLayers(),
              blobs.get(i).digest(),
              w.diffId(),
              w.compressedSize(),
              w.entries(),
              Relayering.groupBytes(part)));
    }
    return new WrittenLayers(keptDiffIds, newDiffIds, comments, newLayers, entries, promoted);
  }

  /**
   * Writes several new layers at once into temporary files ({@link ConcurrentLayerWriter}) and adds
   * them to the output in layout order, as one progress stage. Each file is added as it is ({@link
   * ImageWriter.PendingImage#addLayer}): an archive copies it in the kernel ({@code transferTo}), a
   * registry is asked first whether it has the blob.
   */
  private static void writeConcurrently(
      ImageWriter.PendingImage out,
      LayoutStep.Layout layout,
      List<LayerWriter.Request> requests,
      String mediaType,
      SquashOptions options,
      Workspace ws,
      List<LayerWriter.Written> written,
      List<OutputLayer> blobs)
      throws IOException {
    Progress progress = options.progress();
    long total = 0;
    for (LayerWriter.Request r : requests) {
      total += LayerWriter.contentBytes(r.plan());
    }
    String compression =
        requests.get(0).encoding().compression().name().toLowerCase(java.util.Locale.ROOT);
    progress.stage("write " + requests.size() + " layers (" + compression + ")", total);
    try (ConcurrentLayerWriter layers =
        new ConcurrentLayerWriter(
            requests,
            options.threads(),
            ws.tempDir(),
            ws.tempFiles(),
            progress,
            options.outputName())) {
      for (int i = 0; i < requests.size(); i++) {
        ConcurrentLayerWriter.Blob blob = layers.next();
        LayerWriter.Written w = blob.written();
        OutputLayer layer =
            OutputLayer.ofFile(
                blob.file(),
                w.digest(),
                w.diffId(),
                w.compressedSize(),
                mediaType,
                annotations(layout, i));
        out.addLayer(layer);
        layers.release(blob);
        blobs.add(layer);
        written.add(w);
      }
    }
    progress.done();
  }

  private static Map<String, String> annotations(LayoutStep.Layout layout, int part) {
    return layout.relayering()
        ? Relayering.annotations(layout.parts().get(part), layout.maxLayers())
        : Map.of();
  }

  /** Copies the layers below the squash point unchanged and returns their diff_ids. */
  private static List<Digest> copyKept(
      ImageWriter.PendingImage out, OpenStep.Selection sel, Progress progress) throws IOException {
    List<Digest> diffIds = new ArrayList<>();
    if (sel.firstSquashed() == 0) {
      return diffIds;
    }
    progress.stage("copy kept layers", -1);
    for (int i = 0; i < sel.firstSquashed(); i++) {
      SourceLayer l = sel.layers().get(i);
      out.addLayer(
          OutputLayer.copyOf(l, l.blobDigest(), l.blobSize(), keptMediaType(l, sel.format())));
      diffIds.add(l.diffId());
      progress.advance(l.blobSize());
    }
    progress.done();
    return diffIds;
  }

  /**
   * One new layer as the image writer's blob body. The writer hands it the stream and keeps only
   * the blob's digests and size; the entry counts are kept here for {@link #written()}.
   */
  private static final class NewLayer implements ImageWriter.BlobBody {
    private final LayerWriter.Request request;
    private LayerWriter.@Nullable Written written;

    NewLayer(LayerWriter.Request request) {
      this.request = request;
    }

    @Override
    public ImageWriter.NewBlob writeTo(OutputStream stream) throws IOException {
      OutputStream buffered = new BufferedOutputStream(stream, BUFFER);
      written = LayerWriter.write(request, buffered);
      buffered.flush();
      return new ImageWriter.NewBlob(written.digest(), written.diffId(), written.compressedSize());
    }

    /** What the layer writer wrote; only after the layer was written. */
    LayerWriter.Written written() {
      if (written == null) {
        throw new IllegalStateException("the layer was not written");
      }
      return written;
    }
  }

  /**
   * The layer media type of the output's family; zstd has no Docker type, so it always gets the OCI
   * one.
   */
  static String layerMediaType(OutputFormat format, Compression c) {
    return format == OutputFormat.DOCKER && c != Compression.ZSTD
        ? c.dockerLayerMediaType()
        : c.ociLayerMediaType();
  }

  /**
   * A kept layer keeps its declared media type when it is truthful and of the output's family;
   * otherwise it gets the family's type for the compression its bytes really have. The bytes never
   * change.
   */
  private static String keptMediaType(SourceLayer l, OutputFormat format) throws IOException {
    Compression actual = l.compression();
    String familyType = layerMediaType(format, actual);
    String declared = l.declaredMediaType();
    if (declared == null) {
      return familyType;
    }
    boolean sameFamily =
        declared.startsWith("application/vnd.docker.") == (format == OutputFormat.DOCKER);
    Compression claimed =
        declared.contains("gzip")
            ? Compression.GZIP
            : declared.contains("zstd") ? Compression.ZSTD : Compression.NONE;
    return sameFamily && claimed == actual ? declared : familyType;
  }
}
