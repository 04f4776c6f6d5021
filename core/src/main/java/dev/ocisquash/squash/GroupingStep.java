package dev.ocisquash.squash;

import dev.ocisquash.layering.Grouping;
import dev.ocisquash.strip.FileTree;
import java.io.IOException;

/**
 * Groups the flattened tree by owner for {@code --max-layers}. {@link Squasher} runs it on a thread
 * of its own so that it overlaps the strip step: it reads the unstripped tree, which nothing
 * changes, and takes 0.1-0.2 s on a Debian image (reading the dpkg lists), about what re-layering
 * added to the planning. {@link LayoutStep} waits for it.
 */
final class GroupingStep implements SquashStep<Grouping> {
  private final FileTree tree;
  private final SquashOptions options;

  /**
   * @param tree the flattened tree before stripping
   */
  GroupingStep(FileTree tree, SquashOptions options) {
    this.tree = tree;
    this.options = options;
  }

  @Override
  public Grouping run() throws IOException {
    return Grouping.of(tree, options.bigFile());
  }
}
