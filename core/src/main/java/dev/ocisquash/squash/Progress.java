package dev.ocisquash.squash;

/**
 * Receives progress of a squash, stage by stage, so a front end can show bars. Calls come from the
 * squashing thread; implementations must be cheap (they are called per entry).
 */
public interface Progress {
  /** Ignores everything. */
  Progress NONE =
      new Progress() {
        @Override
        public void stage(String name, long totalBytes) {}

        @Override
        public void advance(long bytes) {}

        @Override
        public void done() {}
      };

  /**
   * A new stage starts (reading one layer, writing the new layer...).
   *
   * @param totalBytes bytes the stage will process, or -1 when unknown
   */
  void stage(String name, long totalBytes);

  /** The current stage processed {@code bytes} more bytes. */
  void advance(long bytes);

  /** The current stage is finished. */
  void done();
}
