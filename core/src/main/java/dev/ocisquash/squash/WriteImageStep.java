package dev.ocisquash.squash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.archive.ImageWriter;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.archive.WrittenImage;
import java.io.IOException;
import org.jspecify.annotations.NullUnmarked;

/**
 * The output of a squash: begins the image before the layers are written (nothing appears at the output path
 * until it is finished), and finishes it around the rewritten config.
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class WriteImageStep {
  private WriteImageStep() {}

  /** Begins the output image, a file or a registry push; the caller closes it, which abandons it if unfinished. */
  static ImageWriter.PendingImage begin(SquashOptions options, OpenStep.Workspace ws, OutputFormat format)
      throws IOException {
    return ws.output() != null
        ? ImageWriter.begin(ws.output(), format, 0L, ws.tempFiles())
        : ImageWriter.begin(options.outputRef(), options.registry(), ws.tempDir(), ws.tempFiles());
  }

  /** Writes the config, the manifest and the names, and makes the image appear. */
  static WrittenImage finish(
      ImageWriter.PendingImage out, ObjectNode config, OpenStep.Selection sel, Progress progress)
      throws IOException {
    progress.stage("finish " + OpenStep.formatName(sel.format()) + " image", -1);
    WrittenImage written = out.finish(config, sel.image().manifest(), sel.image().names());
    progress.advance(written.bytesWritten());
    progress.done();
    return written;
  }
}
