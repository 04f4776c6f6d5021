package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.List;

/**
 * One rule as applied to one tree: a preset with its templates expanded (or one {@code --remove}
 * glob), named as the report names it. The lists are filled while the preset expands.
 *
 * @param name the rule's name in the report (the preset's name, or {@code remove:<glob>})
 * @param removes globs of the paths the rule removes
 * @param exceptions globs of the paths the rule leaves alone
 */
record RuleSpec(String name, List<String> removes, List<String> exceptions) {
  /** An empty rule to fill. */
  RuleSpec(String name) {
    this(name, new ArrayList<>(), new ArrayList<>());
  }
}
