package dev.ocisquash.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code ocisquash} command. Exit codes: 0 ok, then one per kind of failure
 * ({@link ExitCodes}).
 */
@Command(
    name = "ocisquash",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Flatten and slim exported container images, offline, without a Docker daemon.")
public final class Main {
  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    preloadJson();
    int code = run(args);
    if (Boolean.getBoolean(CdsPreload.PROPERTY)) {
      CdsPreload.loadAll();
    }
    System.exit(code);
  }

  /**
   * Loads and initialises Jackson on a thread of its own while picocli parses the command line:
   * each takes about 0.2 s of a cold JVM, and every command reads JSON right after parsing.
   */
  private static void preloadJson() {
    Thread t =
        new Thread(
            () -> {
              try {
                dev.ocisquash.model.Json.parse(
                    "{\"a\":[1]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
              } catch (java.io.IOException | RuntimeException e) {
                // only a warm-up: the command reports its own errors
              }
            },
            "ocisquash-preload");
    t.setDaemon(true);
    t.start();
  }

  /** Runs the command line and returns the exit code (used by tests). */
  public static int run(String... args) {
    // --debug is process-wide state; each run starts without it (picocli calls the setter only when
    // it is given).
    ErrorHandler.debug = false;
    DebugLog.enable(false);
    CommandLine cl = commandLine(args);
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setParameterExceptionHandler(new UsageErrorHandler());
    return cl.execute(args);
  }

  /**
   * The command line with its subcommands. picocli builds the model of every subcommand it is given
   * (each option's annotations, converters, mixins), about half of a small squash's start-up when
   * it is all of them: so when the first argument names a subcommand, only that one is added.
   * Anything else (no argument, an option such as {@code --help}, {@code help}, an unknown name)
   * gets them all, in this order, which is the order the top-level help lists them in and the list
   * that an unknown command's error line names.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length == 0 ? "" : args[0];
    switch (first) {
      case "squash" -> cl.addSubcommand(new SquashCommand());
      case "analyze" -> cl.addSubcommand(new AnalyzeCommand());
      case "trace" -> cl.addSubcommand(new TraceCommand());
      case "presets" -> cl.addSubcommand(new PresetsCommand());
      default -> {
        cl.addSubcommand(new SquashCommand());
        cl.addSubcommand(new AnalyzeCommand());
        cl.addSubcommand(new TraceCommand());
        cl.addSubcommand(new PresetsCommand());
        cl.addSubcommand(new CommandLine.HelpCommand());
      }
    }
    return cl;
  }
}
