package dev.ocisquash.squash;

import dev.ocisquash.layering.Prior;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the prior release's placement for {@code --prior}, or hands on nothing. Run after the layer
 * scan: read before it, the prior slowed the scan of the first layer by 0.3-0.5 s in every measured
 * run ({@code --timings}, the Debian release pair; the tar and JSON code the scan shares then runs
 * with the prior's profile), which made {@code --prior} cost 1.27 times a single-layer squash; read
 * after it, it costs about 20 ms. That the path exists was checked up front ({@link
 * Workspace#check}).
 */
final class ReadPriorStep implements SquashStep<Optional<Prior>> {
  private final SquashOptions options;
  private final Workspace ws;

  ReadPriorStep(SquashOptions options, Workspace ws) {
    this.options = options;
    this.ws = ws;
  }

  @Override
  public Optional<Prior> run() throws IOException {
    Path prior = options.prior();
    return prior == null
        ? Optional.empty()
        : Optional.of(
            Relayering.readPrior(prior, options.maxLayers(), options.limits(), ws.tempFiles()));
  }
}
