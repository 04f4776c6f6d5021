package dev.ocisquash.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.layering.Slot.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The packer's stability rules, on synthetic sets of groups. */
class PackerTest {
  private static final long MIB = 1 << 20;

  /** 300 packages of random sizes (seeded), plus the catch-alls. */
  private static Map<Component, Long> debianLike(long seed) {
    Random r = new Random(seed);
    Map<Component, Long> m = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      long size = (long) Math.exp(r.nextGaussian() * 1.5 + 13);
      m.put(Component.of(Source.DEB, "pkg" + i), size);
    }
    m.put(Component.of(Source.DEB, "openjdk-17-jre-headless"), 190 * MIB);
    m.put(Component.UNCLAIMED, 20 * MIB);
    m.put(Component.METADATA, 2 * MIB);
    return m;
  }

  @Test
  void slotsDependOnNAlone() {
    assertEquals(List.of(new Slot(0, Pool.ALL)), Packer.slots(1));
    assertEquals(List.of(new Slot(0, Pool.PACKAGES), new Slot(1, Pool.UNCLAIMED)), Packer.slots(2));
    assertEquals(
        List.of(
            new Slot(0, Pool.PACKAGES), new Slot(1, Pool.UNCLAIMED), new Slot(2, Pool.METADATA)),
        Packer.slots(3));
    List<Slot> s32 = Packer.slots(32);
    assertEquals(32, s32.size());
    assertEquals(23, s32.stream().filter(s -> s.pool() == Pool.PACKAGES).count());
    assertEquals(7, s32.stream().filter(s -> s.pool() == Pool.HEAVY).count());
    assertEquals(Pool.UNCLAIMED, s32.get(30).pool());
    assertEquals(Pool.METADATA, s32.get(31).pool());
    assertThrows(IllegalArgumentException.class, () -> Packer.slots(0));
  }

  @Test
  void neverMoreLayersThanAskedAndCatchAllsOnTop() {
    for (int n = 1; n <= 40; n++) {
      Packing p = Packer.pack(debianLike(1), n, Packer.DEFAULT_HEAVY, null);
      assertTrue(p.layers().size() <= n, "N=" + n);
      if (n >= 3) {
        assertEquals(n - 1, p.slot(Component.METADATA));
        assertEquals(n - 2, p.slot(Component.UNCLAIMED));
      }
    }
  }

  @Test
  void addingRemovingOrResizingAGroupMovesNothingElse() {
    Map<Component, Long> base = debianLike(2);
    Packing before = Packer.pack(base, 32, Packer.DEFAULT_HEAVY, null);
    Map<Component, Long> changed = new HashMap<>(base);
    changed.put(Component.of(Source.DEB, "newcomer"), 5 * MIB);
    changed.remove(Component.of(Source.DEB, "pkg7"));
    changed.put(
        Component.of(Source.DEB, "pkg8"), base.get(Component.of(Source.DEB, "pkg8")) * 3 + 1);
    changed.put(Component.of(Source.DEB, "pkg9"), 1L); // shrinks a lot, stays in its size class
    Packing after = Packer.pack(changed, 32, Packer.DEFAULT_HEAVY, null);
    for (Component c : base.keySet()) {
      if (changed.containsKey(c)) {
        assertEquals(before.slot(c), after.slot(c), c + " moved");
      }
    }
    assertEquals(before, Packer.pack(base, 32, Packer.DEFAULT_HEAVY, null), "deterministic");
  }

  @Test
  void heavyGroupsShareOnlyWithHeavyGroups() {
    Packing p = Packer.pack(debianLike(3), 32, Packer.DEFAULT_HEAVY, null);
    int jdk = p.slot(Component.of(Source.DEB, "openjdk-17-jre-headless"));
    assertEquals(Pool.HEAVY, p.slots().get(jdk).pool());
    for (Component c : p.layers().get(jdk)) {
      assertTrue(debianLike(3).get(c) >= Packer.DEFAULT_HEAVY, c + " shares the JDK's layer");
    }
  }

  @Test
  void packagesSpreadOverTheSlots() {
    Packing p = Packer.pack(debianLike(4), 32, Packer.DEFAULT_HEAVY, null);
    long usedPackageSlots =
        p.layers().keySet().stream().filter(i -> p.slots().get(i).pool() == Pool.PACKAGES).count();
    assertEquals(23, usedPackageSlots, "300 packages fill every package slot");
  }

  @Test
  void withAPriorGroupsKeepTheirSlotAndNewcomersTakeFreeRoom() {
    Map<Component, Long> base = new TreeMap<>();
    for (int i = 0; i < 10; i++) {
      base.put(Component.of(Source.DEB, "p" + i), MIB);
    }
    Packing first = Packer.pack(base, 32, Packer.DEFAULT_HEAVY, null);
    Prior prior = new Prior(32, first.slotOf());
    Map<Component, Long> next = new TreeMap<>(base);
    Component grown = Component.of(Source.DEB, "p3");
    next.put(
        grown,
        64 * MIB); // crosses the heavy threshold: without a prior it would move to a heavy slot
    Component fresh = Component.of(Source.DEB, "brand-new");
    next.put(fresh, MIB);
    Packing withPrior = Packer.pack(next, 32, Packer.DEFAULT_HEAVY, prior);
    for (Component c : base.keySet()) {
      if (!c.equals(grown)) {
        assertEquals(first.slot(c), withPrior.slot(c), c.toString());
      }
    }
    assertTrue(
        !prior.occupiedSlots().contains(withPrior.slot(fresh)),
        "a new group goes to an empty slot: no layer changes");
    assertNotEquals(
        first.slot(grown), withPrior.slot(grown), "a group that changed pool is placed anew");
    // a prior made for another N is ignored
    assertEquals(
        Packer.pack(next, 16, Packer.DEFAULT_HEAVY, null),
        Packer.pack(next, 16, Packer.DEFAULT_HEAVY, prior));
  }

  @Test
  void componentIdsRoundTrip() {
    for (Component c :
        List.of(
            Component.UNCLAIMED,
            Component.METADATA,
            Component.of(Source.CONDA, "/opt/conda:numpy"),
            Component.of(Source.DEB, "libc6:amd64"))) {
      assertEquals(c, Component.parse(c.id()));
    }
  }
}
