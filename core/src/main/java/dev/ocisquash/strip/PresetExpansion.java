package dev.ocisquash.strip;

/**
 * How one preset turns into globs for a given tree. Most presets only expand their templates; the
 * ones that look at the tree first (a compiler in the image, conda sysroots, CPU-level variants)
 * carry their own expansion, see {@link PresetExpansions}.
 */
@FunctionalInterface
interface PresetExpansion {
  /**
   * Fills {@code into} with the removal and exception globs of {@code preset} for the tree of
   * {@code context}. Adds a note to the context when the preset deliberately leaves something in
   * the image.
   */
  void expand(Preset preset, ExpansionContext context, RuleSpec into);
}
