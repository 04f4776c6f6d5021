package dev.ocisquash.strip;

import java.io.IOException;

/**
 * One safety check: a pass over the decisions that keeps removed paths something kept still needs.
 * Checks only ever turn removed nodes into kept ones, so running them in turn until none changes
 * anything terminates; see {@link SafetyChecks}.
 */
interface SafetyCheck {
  /**
   * The check's name, as the report names what it keeps ({@code symlink}, {@code shared-library},
   * ...).
   */
  String name();

  /**
   * Runs one pass.
   *
   * @return whether it kept anything that was removed
   * @throws IOException when content the check reads cannot be read
   */
  boolean run(StripDecisions decisions) throws IOException;
}
