package dev.ocisquash.compress;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The search for an optional native library, shared by ISA-L and libdeflate: the file named by a
 * system property when set, else each default name in turn; the first that loads wins, and when
 * none does, every candidate's reason is kept for the one-line note.
 *
 * @param library the loaded library, or null
 * @param reason why none loaded ({@code "name: why; name: why"}), or null when one did
 * @param <L> the library type
 */
record LibrarySearch<L>(@Nullable L library, @Nullable String reason) {
  /** Loads one candidate, a library name or a path. */
  @FunctionalInterface
  interface Loader<L> {
    L load(String nameOrPath) throws IOException;
  }

  /**
   * Runs the search: the property's value alone when it is set and not blank, else {@code defaults}
   * in order.
   */
  static <L> LibrarySearch<L> run(String property, List<String> defaults, Loader<L> loader) {
    String override = System.getProperty(property);
    List<String> candidates =
        override != null && !override.isBlank() ? List.of(override.trim()) : defaults;
    List<String> reasons = new ArrayList<>();
    for (String c : candidates) {
      try {
        return new LibrarySearch<>(loader.load(c), null);
      } catch (IOException e) {
        reasons.add(e.getMessage());
      }
    }
    return new LibrarySearch<>(null, String.join("; ", reasons));
  }
}
