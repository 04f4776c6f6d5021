package dev.ocisquash.cli;

import java.io.PrintWriter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns a usage error into exactly one line on stderr, {@code ocisquash: error: MESSAGE; see
 * 'ocisquash CMD --help'}, and exit code 2: the help itself is not printed (it is 90 lines long and
 * pushes the message out of sight). The message is the one the same mistake gets through a {@code
 * --rules} file.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(line(ex));
    err.flush();
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The one line for a usage error. */
  static String line(ParameterException ex) {
    String message = oneLine(ex.getMessage());
    CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
    if (ex instanceof UnmatchedArgumentException u
        && spec.parent() == null
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      message =
          "unknown command '"
              + u.getUnmatched().get(0)
              + "' (expected "
              + String.join(", ", spec.subcommands().keySet())
              + ")";
    } else if (ex instanceof UnmatchedArgumentException u) {
      List<String> suggestions = u.getSuggestions();
      if (!suggestions.isEmpty()) {
        message +=
            " (did you mean "
                + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size())))
                + "?)";
      }
    }
    String command = spec.qualifiedName();
    return "ocisquash: error: " + message + "; see '" + command + " --help'";
  }

  private static String oneLine(@Nullable String m) {
    if (m == null || m.isBlank()) {
      return "invalid command line";
    }
    return m.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
