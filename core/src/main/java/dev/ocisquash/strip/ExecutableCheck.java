package dev.ocisquash.strip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks that read what a kept file runs: an ELF file's libraries and program interpreter
 * ({@link ElfDependencies}), a script's interpreter ({@link ShebangDependencies}). One pass over
 * the kept files reads each head once, caches it for later rounds and hands it to the check for its
 * kind, in tree order, so the first keeper of a path (whose reason the report shows) is the same
 * whichever kind of file it was.
 */
final class ExecutableCheck implements SafetyCheck {
  /** Cached head of a file that is neither ELF nor a script. */
  private static final Object NOTHING = new Object();

  private final ImageIndex index;
  private final ElfDependencies elf;
  private final ShebangDependencies shebang;
  private final Map<Integer, Object> headCache = new HashMap<>();

  ExecutableCheck(ImageIndex index, ImageFacts facts) {
    this.index = index;
    this.elf = new ElfDependencies(new LibraryResolver(index));
    this.shebang = new ShebangDependencies(facts);
  }

  @Override
  public String name() {
    return elf.name() + "/" + shebang.name();
  }

  @Override
  public boolean run(StripDecisions d) throws IOException {
    // Only worth reading heads while something they could need is removed.
    boolean libs = d.anyRemoved(n -> !n.isDirectory() && n.name().contains(".so"));
    boolean interps = d.anyRemoved(n -> n.isSymlink() || (n.isRegular() && (n.mode() & 0111) != 0));
    if (!libs && !interps) {
      return false;
    }
    boolean changed = false;
    for (int i = 0; i < d.size(); i++) {
      TreeNode n = d.node(i);
      if (d.isRemoved(i)
          || !n.isRegular()
          || ((n.mode() & 0111) == 0 && !n.name().contains(".so"))) {
        continue;
      }
      Object head = head(i);
      if (head instanceof ElfInfo info && libs) {
        changed |= elf.check(d, n, info);
      } else if (head instanceof String line && interps) {
        changed |= shebang.check(d, n, line);
      }
    }
    return changed;
  }

  /** The parsed ELF facts, the shebang line after {@code #!}, or {@link #NOTHING}. */
  private Object head(int i) throws IOException {
    Object o = headCache.get(i);
    if (o != null) {
      return o;
    }
    TreeNode n = index.node(i);
    o = NOTHING;
    if (n.size() >= 4) {
      try (SeekableContent c = index.open(n)) {
        byte[] b = new byte[512];
        int len = c.readFully(0, b, 0, b.length);
        if (ElfInfo.isElf(b, len)) {
          ElfInfo e = ElfInfo.read(c);
          if (e != null) {
            o = e;
          }
        } else if (len > 2 && b[0] == '#' && b[1] == '!') {
          int end = 2;
          while (end < len && b[end] != '\n') {
            end++;
          }
          o = new String(b, 2, end - 2, StandardCharsets.UTF_8).trim();
        }
      }
    }
    headCache.put(i, o);
    return o;
  }
}
