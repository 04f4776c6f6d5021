package dev.ocisquash.layering;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.DescriptorJson;
import dev.ocisquash.model.ManifestJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The annotations ocisquash puts on each layer descriptor of a re-layered squash, and how a later
 * run reads them back as a {@link Prior}:
 *
 * <ul>
 *   <li>{@value #SLOT}: {@code <slot>/<N>}, the layer's slot and the {@code --max-layers} of the
 *       layout;
 *   <li>{@value #GROUPS}: the ids of every group in the layer ({@link Component#id()}), sorted,
 *       comma separated, with {@code %} and {@code ,} inside an id written {@code %25} and {@code
 *       %2C}. The list is complete (a Debian image has a few hundred ids, some kilobytes;
 *       registries accept manifests of 4 MiB), so that a prior placement can be kept for every
 *       group.
 * </ul>
 */
public final class LayerAnnotations {
  /** The slot annotation key. */
  public static final String SLOT = "dev.ocisquash.layer.slot";

  /** The groups annotation key. */
  public static final String GROUPS = "dev.ocisquash.layer.groups";

  private LayerAnnotations() {}

  /** The annotations of one layer: its slot, N and its groups. */
  public static Map<String, String> of(int slot, int maxLayers, Collection<Component> groups) {
    List<String> ids = new ArrayList<>();
    for (Component c : groups) {
      ids.add(c.id());
    }
    ids.sort(null);
    StringBuilder sb = new StringBuilder();
    for (String id : ids) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(id.replace("%", "%25").replace(",", "%2C"));
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put(SLOT, slot + "/" + maxLayers);
    out.put(GROUPS, sb.toString());
    return out;
  }

  /** Parses a {@value #GROUPS} value back into group ids. */
  static List<String> groupIds(String value) {
    List<String> out = new ArrayList<>();
    if (value == null || value.isEmpty()) {
      return out;
    }
    for (String part : value.split(",", -1)) {
      out.add(part.replace("%2C", ",").replace("%25", "%"));
    }
    return out;
  }

  /**
   * The placement recorded in an image manifest's layer annotations.
   *
   * @return the prior, or null when no layer carries our annotations (an image not re-layered by
   *     ocisquash)
   * @throws IllegalArgumentException when the annotations are malformed or name different layouts,
   *     with a message naming the layer
   */
  public static @Nullable Prior priorOf(ObjectNode manifest) {
    Map<Component, Integer> slots = new TreeMap<>();
    Integer n = null;
    int index = 0;
    ManifestJson m = new ManifestJson(manifest);
    for (int at = 0; at < m.layerCount(); at++) {
      DescriptorJson layer = m.layer(at);
      String v = layer == null ? null : layer.annotation(SLOT);
      if (layer != null && v != null) {
        int s;
        int max;
        try {
          int slash = v.indexOf('/');
          s = Integer.parseInt(v.substring(0, slash));
          max = Integer.parseInt(v.substring(slash + 1));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "layer " + index + ": bad " + SLOT + " annotation '" + v + "'");
        }
        if (s < 0 || s >= max) {
          throw new IllegalArgumentException(
              "layer " + index + ": slot " + s + " outside a layout of " + max);
        }
        if (n != null && n != max) {
          throw new IllegalArgumentException(
              "layer " + index + ": laid out for " + max + " layers, an earlier layer for " + n);
        }
        n = max;
        String groups = layer.annotation(GROUPS);
        for (String id : groupIds(groups == null ? "" : groups)) {
          Component c = Component.parse(id);
          if (c != null) { // a group kind this version does not know is left to the hash
            slots.put(c, s);
          }
        }
      }
      index++;
    }
    return n == null ? null : new Prior(n, slots);
  }
}
