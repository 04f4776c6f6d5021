package dev.ocisquash.strip;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the safety checks to a fixpoint. What one check keeps can make another's target needed (a
 * kept library's own NEEDED, a kept script's interpreter), so all of them run again until a round
 * changes nothing.
 */
final class SafetyChecks {
  private SafetyChecks() {}

  /**
   * The checks, in the order each round runs them: symlinks, then executables, then Python imports.
   */
  static List<SafetyCheck> standard(ImageIndex index, ImageFacts facts) {
    return List.of(new SymlinkCheck(), new ExecutableCheck(index, facts), new PythonImportCheck());
  }

  /**
   * The most rounds the checks need on this tree: a productive round keeps at least one more node
   * and nothing is ever removed again, so after at most one round per node a round changes nothing.
   */
  static int roundLimit(StripDecisions decisions) {
    return decisions.size() + 1;
  }

  /**
   * Runs every check, in order, round after round until a round changes nothing.
   *
   * @return the number of rounds run, the last (unproductive) one included
   * @throws IllegalStateException when round {@code maxRounds} still changed something: a check
   *     that keeps undoing or redoing decisions would otherwise end silently with a needed file
   *     stripped
   * @throws IOException when a check cannot read content
   */
  static int runToFixpoint(StripDecisions decisions, List<SafetyCheck> checks, int maxRounds)
      throws IOException {
    int rounds = 0;
    while (true) {
      rounds++;
      List<String> changed = new ArrayList<>();
      for (SafetyCheck c : checks) {
        if (c.run(decisions)) {
          changed.add(c.name());
        }
      }
      if (changed.isEmpty()) {
        return rounds;
      }
      if (rounds >= maxRounds) {
        throw new IllegalStateException(
            "strip safety checks reached no fixpoint after "
                + rounds
                + " rounds (limit "
                + maxRounds
                + " for "
                + decisions.size()
                + " paths): the last round still changed decisions in check(s) "
                + String.join(", ", changed));
      }
    }
  }
}
