package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds random layer stacks to the planner and to the naive {@link ReferenceApplier}, and checks
 * that both give the same tree: the same paths, the same entry behind each path, and the same
 * hardlink groups.
 */
class SquashPlannerPropertyTest {
  private static final String[] NAMES = {"a", "b", "c"};

  @Test
  void plannerMatchesReferenceOnRandomStacks() throws Exception {
    Random rnd = new Random(Long.getLong("planner.seed", 42));
    int checked = 0;
    for (int iter = 0; iter < Integer.getInteger("planner.iterations", 20000); iter++) {
      List<List<TarEntry>> layers = randomStack(rnd);
      ReferenceApplier ref = new ReferenceApplier();
      boolean refFailed = false;
      try {
        for (int i = 0; i < layers.size(); i++) {
          ref.apply(i, layers.get(i));
        }
      } catch (IllegalStateException missingLinkTarget) {
        refFailed = true;
      }
      if (refFailed) {
        continue; // invalid stacks (link to a missing target) are covered by dedicated tests
      }
      String expected = describeReference(ref);
      String actual;
      try {
        actual = describePlanner(layers);
      } catch (Exception e) {
        throw new AssertionError("planner failed on stack:\n" + dump(layers), e);
      }
      assertEquals(expected, actual, "stack:\n" + dump(layers));
      checked++;
    }
    org.junit.jupiter.api.Assertions.assertTrue(
        checked > 10000, "too few valid stacks: " + checked);
  }

  /** The planner fed a stack of layers (bottom first), its links checked. */
  static SquashPlanner planned(List<List<TarEntry>> layers) throws Exception {
    SquashPlanner planner = new SquashPlanner();
    for (int i = layers.size() - 1; i >= 0; i--) {
      planner.beginLayer(i, "layer " + i);
      long ord = 0;
      for (TarEntry e : layers.get(i)) {
        planner.offer(e, ord++);
      }
    }
    planner.checkLinks();
    return planner;
  }

  static String describePlanner(List<List<TarEntry>> layers) throws Exception {
    SquashPlanner planner = planned(layers);
    StringBuilder sb = new StringBuilder();
    IdentityHashMap<FileObject, String> groups = new IdentityHashMap<>();
    for (SquashPlanner.PlannedPath r : planner.liveRecordsSorted()) {
      if (r.file == null) {
        sb.append(r.entry.path()).append(" dir ").append(r.entry.mtimeSeconds()).append('\n');
      } else {
        FileObject f = r.file.resolve();
        String group = groups.computeIfAbsent(f, k -> r.entry.path());
        sb.append(r.entry.path())
            .append(' ')
            .append(f.entry.type())
            .append(' ')
            .append(f.entry.mtimeSeconds())
            .append(" group=")
            .append(group)
            .append('\n');
      }
    }
    return sb.toString();
  }

  static String describeReference(ReferenceApplier ref) {
    StringBuilder sb = new StringBuilder();
    IdentityHashMap<ReferenceApplier.Inode, String> groups = new IdentityHashMap<>();
    for (Map.Entry<String, ReferenceApplier.Obj> e : ref.fs.entrySet()) {
      ReferenceApplier.Obj o = e.getValue();
      if (o.entry == null) {
        continue; // implied directory: no entry in either
      }
      if (o.inode == null) {
        sb.append(e.getKey()).append(" dir ").append(o.entry.mtimeSeconds()).append('\n');
      } else {
        String group = groups.computeIfAbsent(o.inode, k -> e.getKey());
        sb.append(e.getKey())
            .append(' ')
            .append(o.inode.entry.type())
            .append(' ')
            .append(o.inode.entry.mtimeSeconds())
            .append(" group=")
            .append(group)
            .append('\n');
      }
    }
    return sb.toString();
  }

  /** Random small stacks over a tiny namespace so that paths collide often. */
  static List<List<TarEntry>> randomStack(Random rnd) {
    int nLayers = 1 + rnd.nextInt(4);
    List<List<TarEntry>> layers = new ArrayList<>();
    long id = 1;
    List<String> seen = new ArrayList<>();
    for (int l = 0; l < nLayers; l++) {
      List<TarEntry> entries = new ArrayList<>();
      int n = 1 + rnd.nextInt(7);
      for (int k = 0; k < n; k++) {
        String p = randomPath(rnd);
        int kind = rnd.nextInt(10);
        TarEntry e;
        switch (kind) {
          case 0:
          case 1:
          case 2:
            e = TarEntry.builder(TarEntryType.DIRECTORY, p).mtime(id++, 0).build();
            break;
          case 3:
          case 4:
            e = TarEntry.builder(TarEntryType.REGULAR, p).mtime(id++, 0).build();
            break;
          case 5:
            e = TarEntry.builder(TarEntryType.SYMLINK, p).linkTarget("/x").mtime(id++, 0).build();
            break;
          case 6:
            {
              String target = seen.isEmpty() ? randomPath(rnd) : seen.get(rnd.nextInt(seen.size()));
              if (target.equals(p)) {
                continue;
              }
              e =
                  TarEntry.builder(TarEntryType.HARDLINK, p)
                      .linkTarget(target)
                      .mtime(id++, 0)
                      .build();
              break;
            }
          case 7:
          case 8:
            {
              int slash = p.lastIndexOf('/');
              String wh =
                  slash < 0
                      ? ".wh." + p
                      : p.substring(0, slash + 1) + ".wh." + p.substring(slash + 1);
              e = TarEntry.builder(TarEntryType.REGULAR, wh).mtime(id++, 0).build();
              break;
            }
          default:
            e = TarEntry.builder(TarEntryType.REGULAR, p + "/.wh..wh..opq").mtime(id++, 0).build();
            break;
        }
        entries.add(e);
        if (e.type() == TarEntryType.REGULAR || e.type() == TarEntryType.SYMLINK) {
          seen.add(p);
        }
      }
      layers.add(entries);
    }
    return layers;
  }

  private static String randomPath(Random rnd) {
    int depth = 1 + rnd.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < depth; d++) {
      if (d > 0) {
        sb.append('/');
      }
      sb.append(NAMES[rnd.nextInt(NAMES.length)]);
    }
    return sb.toString();
  }

  static String dump(List<List<TarEntry>> layers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < layers.size(); i++) {
      sb.append("layer ").append(i).append(":\n");
      for (TarEntry e : layers.get(i)) {
        sb.append("  ").append(e.type()).append(' ').append(e.path());
        if (e.linkTarget().length() > 0) {
          sb.append(" -> ").append(e.linkTarget());
        }
        sb.append(" #").append(e.mtimeSeconds()).append('\n');
      }
    }
    return sb.toString();
  }
}
