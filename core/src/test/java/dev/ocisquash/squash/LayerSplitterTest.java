package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.layering.Component;
import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.layering.Packer;
import dev.ocisquash.layering.Packing;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Splitting one squashed layer's plan into several, on in-memory plans. */
class LayerSplitterTest {
  private static final Component LIBSSL = Component.of(Source.DEB, "libssl3");
  private static final Component BASH = Component.of(Source.DEB, "bash");

  private static TarEntry dir(String p, int mode, long mtime) {
    return TarEntry.builder(TarEntryType.DIRECTORY, p).mode(mode).uid(7).mtime(mtime, 0).build();
  }

  private static TarEntry file(String p, int size) {
    return TarEntry.builder(TarEntryType.REGULAR, p).size(size).mtime(5, 0).build();
  }

  private static TarEntry link(String p, String target) {
    return TarEntry.builder(TarEntryType.HARDLINK, p).linkTarget(target).build();
  }

  private static TarEntry wh(String p) {
    return TarEntry.builder(TarEntryType.REGULAR, p).build();
  }

  /** Plans layers (bottom first), the first {@code first} kept. */
  private static LayerPlan plan(int first, List<List<TarEntry>> layers) throws Exception {
    SquashPlanner planner = new SquashPlanner();
    SquashPlanner base = first > 0 ? new SquashPlanner() : null;
    for (int i = layers.size() - 1; i >= 0; i--) {
      boolean kept = i < first;
      planner.beginLayer(i, "l" + i, kept);
      if (kept) {
        base.beginLayer(i, "l" + i, true);
      }
      long ord = 0;
      for (TarEntry e : layers.get(i)) {
        planner.offer(e, ord);
        if (kept) {
          base.offer(e, ord);
        }
        ord++;
      }
    }
    planner.checkLinks();
    return LayerPlan.build(planner, base, first);
  }

  private static Packing packing(int n, Map<Component, Integer> slots) {
    return new Packing(n, Packer.slots(n), slots);
  }

  private static List<String> listing(LayerSplitter.Part p) {
    List<String> out = new ArrayList<>();
    for (LayerPlan.Item it : p.plan.items()) {
      String s = new String(it.path, StandardCharsets.UTF_8);
      if (it.entry.isDirectory()) {
        s +=
            "/ "
                + Integer.toOctalString(it.entry.mode())
                + " uid="
                + it.entry.uid()
                + " t="
                + it.entry.mtimeSeconds();
      } else if (it.marker) {
        s += " (marker)";
      }
      out.add(s);
    }
    return out;
  }

  private static final Map<String, Component> OWNERS =
      Map.of(
          "/usr/lib/libssl.so.3", LIBSSL,
          "/usr/lib/libssl.so", LIBSSL,
          "/bin/bash", BASH,
          "/etc/app.conf", Component.UNCLAIMED,
          "/var/lib/dpkg/status", Component.METADATA);

  private static final List<TarEntry> TREE =
      List.of(
          dir("bin", 0700, 100),
          file("bin/bash", 10),
          dir("etc", 0750, 200),
          file("etc/app.conf", 3),
          dir("usr", 0755, 300),
          dir("usr/lib", 0711, 400),
          file("usr/lib/libssl.so.3", 20),
          link("usr/lib/libssl.so", "usr/lib/libssl.so.3"),
          dir("var", 0755, 1),
          dir("var/lib", 0755, 1),
          dir("var/lib/dpkg", 0755, 1),
          file("var/lib/dpkg/status", 4));

  @Test
  void eachGroupGoesToItsSlotWithNormalisedParentsAndTheTopCarriesEveryRealDirectory()
      throws Exception {
    LayerPlan plan = plan(0, List.of(TREE));
    // N = 5: slots 0..2 packages, 3 unclaimed, 4 metadata.
    Packing p =
        packing(5, Map.of(LIBSSL, 0, BASH, 2, Component.UNCLAIMED, 3, Component.METADATA, 4));
    List<LayerSplitter.Part> parts = LayerSplitter.split(plan, OWNERS::get, p, 1000L);
    assertEquals(
        List.of(0, 2, 3, 4), parts.stream().map(x -> x.slot).toList(), "slot 1 is empty: no layer");
    assertEquals(
        List.of(
            "usr/ 755 uid=0 t=1000",
            "usr/lib/ 755 uid=0 t=1000",
            "usr/lib/libssl.so",
            "usr/lib/libssl.so.3"),
        listing(parts.get(0)),
        "the hardlink stays with its target; parents are normalised");
    assertEquals(List.of("bin/ 755 uid=0 t=1000", "bin/bash"), listing(parts.get(1)));
    assertEquals(List.of("etc/ 755 uid=0 t=1000", "etc/app.conf"), listing(parts.get(2)));
    assertEquals(
        List.of(
            "bin/ 700 uid=7 t=100",
            "etc/ 750 uid=7 t=200",
            "usr/ 755 uid=7 t=300",
            "usr/lib/ 711 uid=7 t=400",
            "var/ 755 uid=7 t=1",
            "var/lib/ 755 uid=7 t=1",
            "var/lib/dpkg/ 755 uid=7 t=1",
            "var/lib/dpkg/status"),
        listing(parts.get(3)),
        "the top layer has every directory with its real metadata");
    assertEquals(Map.of(LIBSSL, 20L), parts.get(0).groups, "a hardlinked file counts once");
    assertEquals(Map.of(Component.METADATA, 4L), parts.get(3).groups);
  }

  @Test
  void applyingTheLayersInOrderGivesTheSingleLayerTree() throws Exception {
    LayerPlan plan = plan(0, List.of(TREE));
    Packing p =
        packing(5, Map.of(LIBSSL, 1, BASH, 2, Component.UNCLAIMED, 3, Component.METADATA, 3));
    Map<String, TarEntry> single = new TreeMap<>();
    for (LayerPlan.Item it : plan.items()) {
      single.put(new String(it.path, StandardCharsets.UTF_8), it.entry);
    }
    Map<String, TarEntry> applied = new TreeMap<>();
    List<LayerSplitter.Part> parts = LayerSplitter.split(plan, OWNERS::get, p, null);
    assertEquals(3, parts.size());
    for (LayerSplitter.Part part : parts) {
      List<byte[]> order = new ArrayList<>();
      for (LayerPlan.Item it : part.plan.items()) {
        applied.put(new String(it.path, StandardCharsets.UTF_8), it.entry);
        order.add(it.path);
      }
      for (int i = 1; i < order.size(); i++) {
        assertTrue(
            PathOrder.compare(order.get(i - 1), order.get(i)) < 0, "each layer is in output order");
      }
    }
    assertEquals(single, applied);
  }

  @Test
  void markersGoToTheLowestNewLayer() throws Exception {
    List<TarEntry> kept = List.of(dir("etc", 0755, 0), file("etc/old", 1), file("etc/gone", 1));
    List<TarEntry> top =
        List.of(
            dir("etc", 0755, 9),
            wh("etc/.wh.gone"),
            file("etc/app.conf", 3),
            dir("bin", 0755, 0),
            file("bin/bash", 10));
    LayerPlan plan = plan(1, List.of(kept, top));
    Packing p = packing(4, Map.of(BASH, 1, Component.UNCLAIMED, 2));
    List<LayerSplitter.Part> parts = LayerSplitter.split(plan, OWNERS::get, p, null);
    assertEquals(List.of(1, 2), parts.stream().map(x -> x.slot).toList());
    assertEquals(
        List.of("bin/ 755 uid=0 t=0", "bin/bash", "etc/ 755 uid=0 t=0", "etc/.wh.gone (marker)"),
        listing(parts.get(0)));
    assertEquals(
        List.of("bin/ 755 uid=7 t=0", "etc/ 755 uid=7 t=9", "etc/app.conf"), listing(parts.get(1)));
  }

  @Test
  void aTreeOfDirectoriesOnlyGivesOneLayer() throws Exception {
    LayerPlan plan = plan(0, List.of(List.of(dir("a", 0755, 0), dir("a/b", 0700, 0))));
    List<LayerSplitter.Part> parts =
        LayerSplitter.split(plan, OWNERS::get, packing(8, Map.of()), null);
    assertEquals(1, parts.size());
    assertEquals(7, parts.get(0).slot);
    assertEquals(List.of("a/ 755 uid=7 t=0", "a/b/ 700 uid=7 t=0"), listing(parts.get(0)));
  }

  @Test
  void aPathWithoutAPlacedGroupGoesToTheTop() throws Exception {
    LayerPlan plan = plan(0, List.of(TREE));
    Map<String, Component> owners = new HashMap<>(OWNERS);
    owners.remove("/bin/bash");
    Map<Component, Integer> slots = new LinkedHashMap<>();
    slots.put(LIBSSL, 0);
    slots.put(Component.UNCLAIMED, 1);
    List<LayerSplitter.Part> parts =
        LayerSplitter.split(plan, owners::get, packing(3, slots), null);
    assertEquals(List.of(0, 1, 2), parts.stream().map(x -> x.slot).toList());
    assertTrue(listing(parts.get(2)).contains("bin/bash"));
    assertTrue(
        listing(parts.get(2)).contains("var/lib/dpkg/status"), "METADATA is not placed: top");
  }
}
