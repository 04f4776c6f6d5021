package dev.ocisquash.strip;

import java.util.List;

/**
 * What a preset expands against: the tree, its facts, the CPU level asked for, and the notes of the
 * report, where a preset says what it left alone and why.
 *
 * @param index the tree
 * @param facts conda roots, compilers and polars runtimes found in it
 * @param cpuLevel the x86-64 level the image must run on (2 to 4)
 * @param notes the report's notes, appended to in preset order
 */
record ExpansionContext(ImageIndex index, ImageFacts facts, int cpuLevel, List<String> notes) {
  /**
   * Adds a glob to {@code into}; a {@code <conda-root>} template once for each conda root, else as
   * it is.
   */
  void expandTemplate(String glob, List<String> into) {
    if (glob.startsWith(Presets.CONDA_ROOT)) {
      for (String r : facts.condaRoots()) {
        into.add(TreePaths.escape(r) + glob.substring(Presets.CONDA_ROOT.length()));
      }
    } else {
      into.add(glob);
    }
  }

  /** Expands every glob and exception of a preset into a rule. */
  void expandTemplates(Preset preset, RuleSpec into) {
    for (String g : preset.globs()) {
      expandTemplate(g, into.removes());
    }
    for (String g : preset.exceptions()) {
      expandTemplate(g, into.exceptions());
    }
  }
}
