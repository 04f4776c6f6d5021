package dev.ocisquash.packages;

import java.util.List;

/**
 * A package that may not go: essential ({@code dependents} empty, {@code reason} says why), or
 * needed by kept packages ({@code dependents} names them). With {@code --force} only the essential
 * refusals stay refusals; the others become {@link RemovalPlan#warnings()}.
 *
 * @param pkg the package asked for
 * @param reason one line: why
 * @param dependents the labels of the kept packages that depend on it, sorted
 */
public record Refusal(InstalledPackage pkg, String reason, List<String> dependents) {
  public Refusal {
    dependents = List.copyOf(dependents);
  }

  /** One line for an error message. */
  public String message() {
    return pkg.label()
        + ": "
        + reason
        + (dependents.isEmpty() ? "" : ": " + String.join(", ", dependents));
  }
}
