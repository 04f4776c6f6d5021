package dev.ocisquash.cli;

import dev.ocisquash.strip.Presets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code ocisquash presets}: every strip preset with why it is safe, when it is not, and its globs.
 */
@Command(
    name = "presets",
    mixinStandardHelpOptions = true,
    description = "List the strip presets, what each removes, why it is safe and when it is not.")
final class PresetsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(Presets.describe());
    return 0;
  }
}
