package dev.ocisquash.packages;

import java.util.List;

/**
 * Which packages to remove: selectors {@code [dpkg:|apk:|conda:|pip:|npm:]NAME}, where NAME may
 * hold the globs {@code *}, {@code ?} and {@code [...]} and is matched against the package name
 * (and, for dpkg, also {@code name:arch}); and whether a kept dependent overrides the refusal
 * ({@code --force}). Essential packages are refused whatever {@code force} says.
 */
public record RemovalRequest(List<String> selectors, boolean force) {
  public RemovalRequest {
    selectors = List.copyOf(selectors);
  }

  /** Whether nothing is asked for. */
  public boolean isEmpty() {
    return selectors.isEmpty();
  }
}
