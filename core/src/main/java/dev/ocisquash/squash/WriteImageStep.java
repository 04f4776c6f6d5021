package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.archive.ImageNames;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.WrittenImage;
import java.io.IOException;

/**
 * The last step of a squash: writes the config, the manifest and the names around the layers
 * already written, and makes the image appear (a file renamed into place, or a registry push). The
 * output was begun before the layers were written ({@link Workspace#beginImage}); nothing appears
 * at the output path until this step finishes it.
 */
final class WriteImageStep implements SquashStep<WrittenImage> {
  private final ImageWriter.PendingImage out;
  private final ObjectNode config;
  private final OpenStep.Selection sel;
  private final ImageNames names;
  private final Progress progress;

  WriteImageStep(
      ImageWriter.PendingImage out,
      ObjectNode config,
      OpenStep.Selection sel,
      ImageNames names,
      Progress progress) {
    this.out = out;
    this.names = names;
    this.config = config;
    this.sel = sel;
    this.progress = progress;
  }

  /** Writes the config, the manifest and the names, and makes the image appear. */
  @Override
  public WrittenImage run() throws IOException {
    progress.stage("finish " + Workspace.formatName(sel.format()) + " image", -1);
    WrittenImage written = out.finish(config, sel.image().manifest(), names);
    progress.advance(written.bytesWritten());
    progress.done();
    return written;
  }
}
