package dev.ocisquash.layering;

import dev.ocisquash.strip.FileTree;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** One package manager's record of which files it installed, read from the tree it describes. */
interface OwnerDatabase {
  /** A short name for reports, e.g. {@code dpkg}. */
  String name();

  /**
   * Claims the files this database lists. Paths the database lists but the tree lacks are skipped (stripped or
   * deleted files); malformed records are skipped, never guessed at.
   *
   * @throws IOException when a database file cannot be read
   */
  void claim(@Nullable FileTree tree, Claims claims) throws IOException;
}
