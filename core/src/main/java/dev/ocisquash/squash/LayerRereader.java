package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.archive.LayerStream;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the content of chosen entries again, streaming each layer involved once and stopping as
 * soon as the last wanted entry of that layer is passed. Entries are named by layer index and
 * ordinal (their position among the layer's filesystem entries), as the planner records them.
 */
final class LayerRereader {
  /** Receives the content of one wanted entry; the stream is valid only during the call. */
  @FunctionalInterface
  interface Visitor<T> {
    void visit(List<T> wanted, TarEntry entry, InputStream content) throws IOException;
  }

  private LayerRereader() {}

  /**
   * Visits every wanted entry. The map is consumed.
   *
   * @throws ImageException when a wanted entry is not there any more (the input changed while being
   *     read)
   */
  static <T> void visit(
      SourceImage image, Map<Integer, TreeMap<Long, List<T>>> byLayer, Visitor<T> visitor)
      throws IOException {
    for (Map.Entry<Integer, TreeMap<Long, List<T>>> le : byLayer.entrySet()) {
      SourceLayer layer = image.layers().get(le.getKey());
      String context = image.source() + ": " + layer.label();
      TreeMap<Long, List<T>> left = le.getValue();
      try (LayerStream in = layer.open()) {
        TarReader reader = new TarReader(in, context);
        long ordinal = 0;
        for (TarEntry e = reader.next();
            e != null && !left.isEmpty();
            e = reader.next(), ordinal++) {
          List<T> wanted = left.remove(ordinal);
          if (wanted != null) {
            visitor.visit(wanted, e, reader.content());
          }
        }
      }
      if (!left.isEmpty()) {
        throw new ImageException(
            Kind.CORRUPT_INPUT,
            context + ": layer changed while being read (entry missing on re-read)");
      }
    }
  }
}
