package dev.ocisquash.strip;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * Shared libraries: a kept ELF file keeps its program interpreter and, for each {@code DT_NEEDED}
 * soname, the library the dynamic loader would load, unless a copy found earlier or later on the
 * search path stays anyway. Where the loader looks is {@link LibraryResolver}'s business.
 */
final class ElfDependencies {
  private final LibraryResolver libraries;

  ElfDependencies(LibraryResolver libraries) {
    this.libraries = libraries;
  }

  /** The name the report gives what this check keeps. */
  String name() {
    return "shared-library";
  }

  /** Keeps what the kept ELF file {@code elf} loads; returns whether anything changed. */
  boolean check(StripDecisions d, TreeNode elf, ElfInfo info) throws IOException {
    boolean changed = false;
    if (info.interpreter() != null && info.interpreter().startsWith("/")) {
      ImageIndex.Walk w = d.index().resolve(info.interpreter());
      if (w.exists && !d.survives(w)) {
        changed |= d.keepWalk(w, name(), "program interpreter of " + elf.path());
      }
    }
    if (info.needed().isEmpty()) {
      return changed;
    }
    List<String> dirs = libraries.searchDirs(elf.path(), info.rpath(), info.runpath(), info.is64());
    for (String soname : info.needed()) {
      ImageIndex.Walk firstRemoved = null;
      boolean ok = false;
      for (Iterator<ImageIndex.Walk> it = libraries.locate(soname, dirs).iterator();
          it.hasNext(); ) {
        ImageIndex.Walk w = it.next();
        if (d.survives(w)) {
          ok = true;
          break;
        }
        if (firstRemoved == null) {
          firstRemoved = w;
        }
      }
      if (!ok && firstRemoved != null) {
        changed |= d.keepWalk(firstRemoved, name(), soname + " needed by " + elf.path());
      }
    }
    return changed;
  }
}
