package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hardlinks, for the accounting only: removing one name of a hardlink group frees nothing while
 * another name stays, and a group removed whole frees its content once. Decides nothing; it works
 * out what each removed node frees and why it frees less than its size.
 */
final class HardlinkAccounting {
  private final long[] freed;
  private final String[] notes;

  /**
   * Accounts the removed nodes of {@code d}; bytes that stay through a kept partner are added to
   * the {@code hardlink} entry of {@code checkTotals}.
   */
  HardlinkAccounting(StripDecisions d, Map<String, StripReport.Totals> checkTotals) {
    int size = d.size();
    freed = new long[size];
    notes = new String[size];
    IdentityHashMap<Object, List<Integer>> groups = new IdentityHashMap<>();
    for (int i = 0; i < size; i++) {
      TreeNode n = d.node(i);
      if (d.isRemoved(i) && n.isRegular()) {
        freed[i] = n.size();
      }
      if (n.groupKey() != null) {
        groups.computeIfAbsent(n.groupKey(), k -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> g : groups.values()) {
      Integer survivor = null;
      for (int i : g) {
        if (!d.isRemoved(i)) {
          survivor = i;
          break;
        }
      }
      boolean counted = false;
      for (int i : g) {
        if (!d.isRemoved(i)) {
          continue;
        }
        if (survivor != null) {
          notes[i] = "content stays: hardlinked with " + d.node(survivor).path();
          checkTotals.computeIfAbsent("hardlink", k -> new StripReport.Totals()).add(freed[i]);
          freed[i] = 0;
        } else if (counted) {
          notes[i] = "content counted once for the hardlink group";
          freed[i] = 0;
        } else {
          counted = true;
        }
      }
    }
  }

  /** The bytes that removing node {@code i} frees (0 for a kept node). */
  long freed(int i) {
    return freed[i];
  }

  /** Why a removed node frees less than its size, or null. */
  String note(int i) {
    return notes[i];
  }
}
