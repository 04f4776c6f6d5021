package dev.ocisquash.squash;

import dev.ocisquash.model.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One new layer a squash wrote: where it sits in the layout and what it holds.
 *
 * @param slot its slot in the layout (0 for a single-layer squash)
 * @param maxLayers the N of the layout ({@code --max-layers})
 * @param digest the blob digest
 * @param diffId the digest of the uncompressed tar
 * @param size the blob's size in bytes
 * @param entries tar entries written
 * @param groups the groups it holds (by group id, such as {@code deb:libssl3:amd64} or {@code
 *     pypi:numpy}) with their content bytes; empty for a single-layer squash, which is not grouped
 */
public record SquashedLayer(
    int slot,
    int maxLayers,
    Digest digest,
    Digest diffId,
    long size,
    long entries,
    Map<String, Long> groups) {
  /** Copies the map. */
  public SquashedLayer {
    groups = Collections.unmodifiableMap(new TreeMap<>(groups));
  }

  /** The ids of the {@code n} largest groups, largest first (ties by id). */
  public List<String> topOwners(int n) {
    List<Map.Entry<String, Long>> es = new ArrayList<>(groups.entrySet());
    es.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, es.size()); i++) {
      out.add(es.get(i).getKey());
    }
    return out;
  }
}
