package dev.ocisquash.cli;

import dev.ocisquash.squash.SquashedLayer;
import java.util.List;
import java.util.Locale;

/**
 * The lines of the summary that list the layers of a re-layered squash: slot, size and top owners.
 */
final class LayerSummary {
  private static final int TOP = 3;

  private LayerSummary() {}

  static String of(List<SquashedLayer> layers) {
    StringBuilder sb = new StringBuilder();
    int n = layers.isEmpty() ? 0 : layers.get(0).maxLayers();
    sb.append(
        String.format(
            Locale.ROOT, "  re-layered into %d of at most %d layers%n", layers.size(), n));
    for (SquashedLayer l : layers) {
      List<String> top = l.topOwners(TOP);
      int more = l.groups().size() - top.size();
      sb.append(
          String.format(
              Locale.ROOT,
              "    slot %2d/%d %10s  %s%s%n",
              l.slot(),
              l.maxLayers(),
              Summary.human(l.size()),
              top.isEmpty() ? "(directories and whiteouts)" : String.join(", ", top),
              more > 0 ? " +" + more + " more" : ""));
    }
    return sb.toString();
  }
}
