package dev.ocisquash.report;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageArchives;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.layering.LayerAnnotations;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.ManifestJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How many bytes a node that holds one image must pull for another, layer by layer: a layer is held
 * when the old image has a layer with the same blob digest or the same diff_id; every other layer's
 * blob is pulled. Reads only the manifests and configs (and, for a legacy docker archive, hashes
 * its layer files).
 *
 * <pre>{@code
 * Repull.Result r = Repull.of(Path.of("release1.tar"), Path.of("release2.tar"), ImageSelector.any());
 * System.out.println(r.ratio());
 * }</pre>
 */
public final class Repull {
  private Repull() {}

  /**
   * One layer of the new image.
   *
   * @param index position, 0 at the bottom
   * @param digest the blob digest
   * @param size the blob's bytes
   * @param held whether the old image has it already
   * @param slot the ocisquash slot annotation ({@code 3/32}) of a re-layered squash, or null
   */
  public record Row(int index, Digest digest, long size, boolean held, @Nullable String slot) {}

  /**
   * The comparison.
   *
   * @param rows the new image's layers, bottom first
   * @param totalBytes the new image's layer bytes
   * @param pullBytes the bytes of the layers not held
   */
  public record Result(List<Row> rows, long totalBytes, long pullBytes) {
    /** Copies the rows. */
    public Result {
      rows = List.copyOf(rows);
    }

    /** pullBytes / totalBytes (0 for an image without layer bytes). */
    public double ratio() {
      return totalBytes == 0 ? 0 : (double) pullBytes / totalBytes;
    }
  }

  /**
   * Compares with default limits; see {@link #of(Path, Path, ImageSelector, Limits, TempFiles)}.
   */
  public static Result of(Path old, Path next, ImageSelector selector) throws IOException {
    return of(old, next, selector, Limits.defaults(), new TempFiles());
  }

  /**
   * Compares two images.
   *
   * @param old the image the node holds
   * @param next the image it is about to pull
   * @param selector which image of a multi-image archive, for both
   * @throws dev.ocisquash.ImageException for unreadable input
   */
  public static Result of(
      Path old, Path next, ImageSelector selector, Limits limits, TempFiles tempFiles)
      throws IOException {
    try (SourceImage o = ImageArchives.open(old, selector, limits, tempFiles);
        SourceImage n = ImageArchives.open(next, selector, limits, tempFiles)) {
      return of(o, n);
    }
  }

  /**
   * Compares two open images (from files or registries) by their manifests and configs alone: no
   * layer is read. Both stay open.
   */
  public static Result of(SourceImage o, SourceImage n) throws IOException {
    Set<Digest> held = new HashSet<>();
    for (SourceLayer l : o.layers()) {
      held.add(l.blobDigest());
      held.add(l.diffId());
    }
    List<Row> rows = new ArrayList<>();
    long total = 0;
    long pull = 0;
    {
      List<SourceLayer> layers = n.layers();
      ManifestJson manifest = new ManifestJson(n.manifest());
      for (int i = 0; i < layers.size(); i++) {
        SourceLayer l = layers.get(i);
        boolean have = held.contains(l.blobDigest()) || held.contains(l.diffId());
        long size = l.blobSize();
        DescriptorJson descriptor = manifest.layer(i);
        String slot = descriptor == null ? null : descriptor.annotation(LayerAnnotations.SLOT);
        rows.add(new Row(i, l.blobDigest(), size, have, slot));
        total += size;
        if (!have) {
          pull += size;
        }
      }
    }
    return new Result(rows, total, pull);
  }

  /** The text report: one line per layer and the total. */
  public static String render(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Re-pull: %s of %s (%.1f%%) for a node holding the prior image%n",
            TextReport.human(r.pullBytes()),
            TextReport.human(r.totalBytes()),
            r.ratio() * 100));
    for (Row row : r.rows()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %3d  %-6s %10s  %s%s%n",
              row.index(),
              row.held() ? "held" : "PULL",
              TextReport.human(row.size()),
              row.digest().toString().substring(0, 19),
              row.slot() == null ? "" : "  slot " + row.slot()));
    }
    return sb.toString();
  }
}
