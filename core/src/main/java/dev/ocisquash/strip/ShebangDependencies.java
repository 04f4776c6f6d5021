package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.List;

/**
 * Script interpreters: a kept script keeps the interpreter its {@code #!} line names and, through
 * {@code /usr/bin/env prog}, the first {@code prog} on the PATH (conda roots' {@code bin/} first)
 * unless a copy of it stays anyway.
 */
final class ShebangDependencies {
  private final ImageFacts facts;

  ShebangDependencies(ImageFacts facts) {
    this.facts = facts;
  }

  /** The name the report gives what this check keeps. */
  String name() {
    return "interpreter";
  }

  /**
   * Keeps what the kept script {@code script} runs.
   *
   * @param line its first line after {@code #!}, trimmed
   * @return whether anything changed
   */
  boolean check(StripDecisions d, TreeNode script, String line) {
    // The line is trimmed: no empty part ("" gives one, which is not absolute).
    String[] parts = line.split("[ \t]+", -1);
    if (parts.length == 0 || !parts[0].startsWith("/")) {
      return false;
    }
    ImageIndex index = d.index();
    String why = "interpreter of " + script.path();
    ImageIndex.Walk w = index.resolve(parts[0]);
    if (!w.exists) {
      return false;
    }
    boolean changed = d.survives(w) ? false : d.keepWalk(w, name(), why);
    if (w.finalPath.endsWith("/env") || parts[0].endsWith("/env")) {
      String prog = null;
      for (int k = 1; k < parts.length; k++) {
        if (parts[k].startsWith("-") || parts[k].contains("=")) {
          continue;
        }
        prog = parts[k];
        break;
      }
      if (prog == null) {
        return changed;
      }
      List<String> dirs = new ArrayList<>(ImageFacts.PATH_DIRS);
      for (String r : facts.condaRoots()) {
        dirs.add(0, TreePaths.join(r, "bin"));
      }
      if (prog.contains("/")) {
        dirs = List.of("/");
      }
      ImageIndex.Walk firstRemoved = null;
      for (String dir : dirs) {
        ImageIndex.Walk c = index.resolve(prog.startsWith("/") ? prog : TreePaths.join(dir, prog));
        if (!c.exists) {
          continue;
        }
        if (d.survives(c)) {
          return changed;
        }
        if (firstRemoved == null) {
          firstRemoved = c;
        }
      }
      if (firstRemoved != null) {
        changed |= d.keepWalk(firstRemoved, name(), why + " (via env " + prog + ")");
      }
    }
    return changed;
  }
}
