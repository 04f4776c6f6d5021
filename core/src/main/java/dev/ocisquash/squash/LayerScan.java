package dev.ocisquash.squash;

import dev.ocisquash.archive.LayerStream;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.PrefetchingLayerStream;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarReader;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The one read of an image's layers, newest first, that squash and analyze share. Each layer is
 * decompressed and verified (blob digest, diff_id) on a background thread, the next one starting
 * while the current one is parsed; every decompressed byte and every entry is counted against the
 * {@link Limits}, so hostile input stops at the limit with a one-line error whichever command reads
 * it. What to do with each entry is the {@link Visitor}'s.
 */
final class LayerScan {
  private LayerScan() {}

  /** What a scan does with each layer and entry. */
  public interface Visitor {
    /**
     * Called before the first entry of a layer.
     *
     * @param index the layer's index, 0 at the bottom
     * @param context {@code <source>: <layer label>}, for messages
     */
    void beginLayer(int index, SourceLayer layer, String context) throws IOException;

    /**
     * One entry of the current layer; its content can be read from {@code reader.content()} during
     * the call.
     *
     * @param ordinal the entry's position in its layer, for a later re-read
     */
    void entry(TarEntry e, long ordinal, TarReader reader) throws IOException;

    /** Called once the layer was read to its end and verified. */
    default void endLayer(int index, SourceLayer layer, long uncompressedBytes)
        throws IOException {}
  }

  /**
   * Scans every layer of {@code image}, top to bottom.
   *
   * @param firstSquashed layers below this index are scanned as kept layers (only the progress
   *     label differs)
   * @param meter counts bytes and entries against the limits
   * @param progress told each layer's stage and bytes
   */
  public static void run(
      SourceImage image, int firstSquashed, Limits.Meter meter, Progress progress, Visitor visitor)
      throws IOException {
    run(image, firstSquashed, 0, meter, progress, visitor);
  }

  /**
   * As {@link #run(SourceImage, int, Limits.Meter, Progress, Visitor)}, reading only layers {@code
   * lowest} and up.
   */
  static void run(
      SourceImage image,
      int firstSquashed,
      int lowest,
      Limits.Meter meter,
      Progress progress,
      Visitor visitor)
      throws IOException {
    List<SourceLayer> layers = image.layers();
    LayerStream next =
        layers.size() <= lowest ? null : openAhead(image, layers.get(layers.size() - 1), meter);
    try {
      for (int i = layers.size() - 1; i >= lowest; i--) {
        SourceLayer layer = layers.get(i);
        String label = layer.label(); // once: it is built afresh on every call
        String context = image.source() + ": " + label;
        visitor.beginLayer(i, layer, context);
        progress.stage(
            (i < firstSquashed ? "scan kept " : "read ") + label,
            layer.compression() == Compression.NONE ? layer.blobSize() : -1);
        LayerStream current = Objects.requireNonNull(next, "the layer was opened ahead");
        next = null;
        try (LayerStream in = current) {
          // Decompression of the layer below starts now, on its own thread, and overlaps this
          // layer's processing.
          next = i > lowest ? openAhead(image, layers.get(i - 1), meter) : null;
          TarReader reader = new TarReader(in, context);
          long ordinal = 0;
          long reported = 0;
          for (TarEntry e = reader.next(); e != null; e = reader.next(), ordinal++) {
            long now = in.uncompressedBytes();
            progress.advance(now - reported);
            reported = now;
            meter.countEntry(image.source(), label, e);
            visitor.entry(e, ordinal, reader);
          }
          in.finish();
          progress.advance(in.uncompressedBytes() - reported);
          visitor.endLayer(i, layer, in.uncompressedBytes());
        }
        progress.done();
      }
    } finally {
      if (next != null) {
        next.close();
      }
    }
  }

  /**
   * Opens a layer for reading with its decompression and verification already running on a
   * background thread.
   */
  private static LayerStream openAhead(SourceImage image, SourceLayer layer, Limits.Meter meter)
      throws IOException {
    return new PrefetchingLayerStream(
        meter.guard(layer.open(), image.source(), layer.label()), layer.label());
  }
}
