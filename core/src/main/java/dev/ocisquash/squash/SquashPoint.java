package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.archive.SourceLayer;
import dev.ocisquash.model.ConfigJson;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where squashing starts: layers below the point are kept byte for byte, the point and everything
 * above become one layer. Layer 0 is the bottom layer.
 */
public final class SquashPoint {
  private enum Kind {
    ALL,
    INDEX,
    DIGEST,
    KEEP_BASE
  }

  private final Kind kind;
  private final int index;
  private final @Nullable String digest;

  private SquashPoint(Kind kind, int index, @Nullable String digest) {
    this.kind = kind;
    this.index = index;
    this.digest = digest;
  }

  /** Squash every layer into one. */
  public static SquashPoint all() {
    return new SquashPoint(Kind.ALL, 0, null);
  }

  /** Squash layers {@code index}..top ({@code --from N}). */
  public static SquashPoint fromIndex(int index) {
    return new SquashPoint(Kind.INDEX, index, null);
  }

  /** Squash from the layer with this diff_id or blob digest upwards ({@code --from-digest}). */
  public static SquashPoint fromDigest(String digest) {
    return new SquashPoint(Kind.DIGEST, -1, Objects.requireNonNull(digest));
  }

  /** Squash everything above the base image, found from the history ({@code --keep-base}). */
  public static SquashPoint keepBase() {
    return new SquashPoint(Kind.KEEP_BASE, -1, null);
  }

  /**
   * Whether the user named the first squashed layer ({@code --from N} or {@code --from-digest}).
   * Only such a point is refused when it leaves a single layer without strip rules: the user asked
   * for a merge that cannot happen. A full squash or {@code --keep-base} on an image that is
   * already one layer is a normal CI case, not a mistake.
   */
  boolean namesLayer() {
    return kind == Kind.INDEX || kind == Kind.DIGEST;
  }

  /**
   * Resolves the point to the index of the first squashed layer.
   *
   * @param config the image config (its history is read for {@link #keepBase()})
   * @throws ImageException when the point is out of range or names no layer
   */
  int resolve(String source, List<SourceLayer> layers, JsonNode config) throws IOException {
    switch (kind) {
      case ALL:
        return 0;
      case INDEX:
        if (index < 0 || index >= layers.size()) {
          throw new ImageException(
              ImageException.Kind.INVALID_ARGUMENT,
              source
                  + ": --from "
                  + index
                  + " is out of range: the image has "
                  + layers.size()
                  + " layers (0.."
                  + (layers.size() - 1)
                  + ")");
        }
        return index;
      case DIGEST:
        for (SourceLayer l : layers) {
          String d = Objects.requireNonNull(digest, "digest").toLowerCase(Locale.ROOT);
          if (l.diffId().toString().equals(d)
              || l.blobDigest().toString().equals(d)
              || (d.length() >= 12
                  && (l.diffId().toString().startsWith(d)
                      || l.blobDigest().toString().startsWith(d)))) {
            return l.index();
          }
        }
        throw new ImageException(
            ImageException.Kind.INVALID_ARGUMENT,
            source + ": no layer has diff_id or blob digest " + digest);
      case KEEP_BASE:
        return baseLayerCount(config);
      default:
        throw new IllegalStateException();
    }
  }

  /**
   * The number of layers that belong to the base image, read from the history.
   *
   * <p>Rule: a {@code FROM} image's history ends with its {@code CMD} or {@code ENTRYPOINT} (an
   * empty-layer entry whose {@code created_by} contains {@code #(nop) CMD}, {@code #(nop)
   * ENTRYPOINT}, or starts with {@code CMD} / {@code ENTRYPOINT} as BuildKit writes it). The base
   * is every layer up to the last such entry that has layer entries after it. Without such a marker
   * there is no base to keep and the result is 0.
   */
  static int baseLayerCount(JsonNode config) {
    int layersSoFar = 0;
    int candidate = -1;
    int base = 0;
    if (!config.isObject()) {
      return 0;
    }
    for (ConfigJson.History h : new ConfigJson((ObjectNode) config).history()) {
      if (h.emptyLayer()) {
        if (isCmdMarker(h.createdBy())) {
          candidate = layersSoFar;
        }
      } else {
        layersSoFar++;
        if (candidate >= 0) {
          base = candidate; // confirmed: a layer follows this marker
        }
      }
    }
    return base;
  }

  static boolean isCmdMarker(String createdBy) {
    String s = createdBy.trim();
    return s.contains("#(nop)  CMD")
        || s.contains("#(nop) CMD")
        || s.contains("#(nop)  ENTRYPOINT")
        || s.contains("#(nop) ENTRYPOINT")
        || s.startsWith("CMD ")
        || s.startsWith("ENTRYPOINT ");
  }

  @Override
  public String toString() {
    switch (kind) {
      case ALL:
        return "all layers";
      case INDEX:
        return "--from " + index;
      case DIGEST:
        return "--from-digest " + digest;
      default:
        return "--keep-base";
    }
  }
}
