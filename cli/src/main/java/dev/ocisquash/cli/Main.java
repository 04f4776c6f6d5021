package dev.ocisquash.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ocisquash} command. Exit codes: 0 ok, 1 bad input or failure, 2 usage. */
@Command(
    name = "ocisquash",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Flatten and slim exported container images, offline, without a Docker daemon.",
    subcommands = {
      SquashCommand.class,
      AnalyzeCommand.class,
      PresetsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (used by tests). */
  public static int run(String... args) {
    // --debug is process-wide state; each run starts without it (picocli calls the setter only when it is given).
    ErrorHandler.debug = false;
    DebugLog.enable(false);
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    return cl.execute(args);
  }
}
