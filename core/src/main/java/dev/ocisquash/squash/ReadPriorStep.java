package dev.ocisquash.squash;

import dev.ocisquash.layering.Prior;
import java.io.IOException;
import org.jspecify.annotations.NullUnmarked;

/**
 * Reads the prior release's placement for {@code --prior}, or hands on null. Run after the layer
 * scan: read before it, the prior slowed the scan of the first layer by 0.3-0.5 s in every measured
 * run ({@code --timings}, the Debian release pair; the tar and JSON code the scan shares then runs
 * with the prior's profile), which made {@code --prior} cost 1.27 times a single-layer squash; read
 * after it, it costs about 20 ms. That the path exists was checked up front ({@link
 * Workspace#check}).
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class ReadPriorStep implements SquashStep<Prior> {
  private final SquashOptions options;
  private final Workspace ws;

  ReadPriorStep(SquashOptions options, Workspace ws) {
    this.options = options;
    this.ws = ws;
  }

  @Override
  public Prior run() throws IOException {
    return options.prior() == null
        ? null
        : Relayering.readPrior(
            options.prior(), options.maxLayers(), options.limits(), ws.tempFiles());
  }
}
