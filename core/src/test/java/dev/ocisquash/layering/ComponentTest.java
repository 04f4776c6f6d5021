package dev.ocisquash.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ocisquash.layering.Component.Source;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of groups, which decides the order of layer annotations and of the packing. */
class ComponentTest {
  /** {@link Component#compareTo} gives the order of the ids it no longer builds. */
  @Test
  void groupsCompareAsTheirIds() {
    List<Component> all = new ArrayList<>();
    for (Source s : Source.values()) {
      for (String name : List.of("", "a", "a:b", ":", "apk", "zz", "Z", "é")) {
        all.add(Component.of(s, name));
      }
    }
    for (Component a : all) {
      for (Component b : all) {
        assertEquals(
            Integer.signum(a.id().compareTo(b.id())),
            Integer.signum(a.compareTo(b)),
            a.id() + " against " + b.id());
      }
    }
  }

  /** What the comparison relies on across sources: no prefix begins another. */
  @Test
  void noPrefixBeginsAnother() {
    for (Source a : Source.values()) {
      for (Source b : Source.values()) {
        if (a != b) {
          assertFalse(a.prefix().startsWith(b.prefix()), a.prefix() + " begins with " + b.prefix());
        }
      }
    }
  }
}
