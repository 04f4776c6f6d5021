package dev.ocisquash.layering;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which group owns each path, as the package databases say. The first claim wins: databases run in
 * a fixed order (system package managers first), so a file that dpkg installed stays dpkg's even
 * when a Python RECORD lists it too. Directories are never claimed: every group's layer carries the
 * directories it needs.
 */
final class Claims {
  private final Map<String, Component> owners = new HashMap<>();
  private long conflicts;

  /**
   * Claims {@code path} for {@code owner} unless someone claimed it first; returns whether this
   * claim won.
   */
  public boolean claim(String path, Component owner) {
    Component before = owners.putIfAbsent(path, owner);
    if (before != null && !before.equals(owner)) {
      conflicts++;
      return false;
    }
    return before == null;
  }

  /** The owner of {@code path}, or null. */
  public @Nullable Component ownerOf(String path) {
    return owners.get(path);
  }

  /** Number of paths claimed. */
  public int size() {
    return owners.size();
  }

  /** Claims that lost to an earlier one (a path two groups list). */
  public long conflicts() {
    return conflicts;
  }
}
