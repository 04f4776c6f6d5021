package dev.ocisquash.squash;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.tar.PathNames;
import dev.ocisquash.tar.TarEntryType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SortedMap;

/**
 * Writes the database files that {@code --remove-package} rewrote: the strip decided "new bytes for
 * path P"; here the bytes go to the spool and P's object takes them, with its size changed and
 * every other header field (mode, owner, mtime) as it was, so that the output stays reproducible. A
 * rewritten file that lives in a kept base layer is written again in the new layer, over it. Runs
 * after grouping has read the tree: the tree's content changes.
 */
final class RewriteStep implements SquashStep<StripStep.Stripped> {
  private final FlattenStep.Flattened flat;
  private final StripStep.Stripped stripped;
  private final Spool spool;
  private final int first;

  /**
   * @param stripped what the strip decided, with the rewrites
   * @param first index of the first squashed layer
   */
  RewriteStep(FlattenStep.Flattened flat, StripStep.Stripped stripped, Spool spool, int first) {
    this.flat = flat;
    this.stripped = stripped;
    this.spool = spool;
    this.first = first;
  }

  /**
   * Applies the rewrites of {@code stripped}; returns it with the paths written over kept layers.
   *
   * @throws ImageException when a rewritten file is a hardlink or not a regular file (a database
   *     file never is)
   */
  @Override
  public StripStep.Stripped run() throws IOException {
    SortedMap<String, byte[]> rewrites =
        stripped.result() == null ? null : stripped.result().rewrites();
    if (rewrites == null || rewrites.isEmpty()) {
      return stripped;
    }
    IdentityHashMap<FileObject, Integer> names = PlannedFileTree.linkedNames(flat.sorted());
    Set<String> overKept = new HashSet<>();
    byte[] scratch = new byte[1 << 16];
    for (SquashPlanner.PlannedPath r : flat.sorted()) {
      String path = PathNames.decodeAbsolute(r.path);
      byte[] bytes = rewrites.get(path);
      if (bytes == null || stripped.removed().test(r.path)) {
        continue;
      }
      FileObject f = r.file == null ? null : r.file.resolve();
      if (f == null
          || f.resolvedEntry().type() != TarEntryType.REGULAR
          || r.file != f
          || names.getOrDefault(f, 1) != 1) {
        throw new ImageException(
            Kind.UNSUPPORTED_INPUT,
            ImageException.where(
                null, null, path, "cannot rewrite a package database that is not a plain file"));
      }
      f.entry = f.resolvedEntry().toBuilder().size(bytes.length).build();
      f.contentSpooled(spool.append(new ByteArrayInputStream(bytes), bytes.length, scratch));
      if (r.layer < first) {
        overKept.add(path);
      }
    }
    return stripped.withRewritten(path -> overKept.contains(PathNames.decodeAbsolute(path)));
  }
}
