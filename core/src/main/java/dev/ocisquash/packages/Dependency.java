package dev.ocisquash.packages;

import java.util.List;

/**
 * One dependency of a package: any one of {@code anyOf} satisfies it (dpkg alternatives {@code a |
 * b}; one name elsewhere). Names as the ecosystem compares them (dpkg without version or {@code
 * :any}; pip normalised), without version constraints: a provider of any version counts.
 */
public record Dependency(List<String> anyOf) {
  public Dependency {
    anyOf = List.copyOf(anyOf);
  }

  /** A dependency on one name. */
  public static Dependency on(String name) {
    return new Dependency(List.of(name));
  }

  @Override
  public String toString() {
    return String.join(" | ", anyOf);
  }
}
