package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line built for start-up ({@link Main#commandLine}): a run that names a subcommand
 * first gets only that one, with the same model as in the full command line; everything else gets
 * them all.
 */
class MainTest {
  @Test
  void everySubcommandNamedFirstGetsOnlyItselfWithTheSameHelp() {
    Map<String, CommandLine> all = Main.commandLine().getSubcommands();
    assertEquals(
        List.of("squash", "analyze", "trace", "presets", "help"), List.copyOf(all.keySet()));
    for (String name : List.of("squash", "analyze", "trace", "presets")) {
      CommandLine alone = Main.commandLine(name, "--help").getSubcommands().get(name);
      assertEquals(Set.of(name), Main.commandLine(name).getSubcommands().keySet(), name);
      assertEquals(all.get(name).getUsageMessage(), alone.getUsageMessage(), name);
      assertEquals(
          all.get(name).getCommandSpec().qualifiedName(),
          alone.getCommandSpec().qualifiedName(),
          name);
    }
  }

  @Test
  void anythingElseGetsAllSubcommands() {
    Set<String> all = Main.commandLine().getSubcommands().keySet();
    for (String first : List.of("help", "--help", "-h", "-V", "squas", "@args", "", "SQUASH")) {
      assertEquals(all, Main.commandLine(first, "squash").getSubcommands().keySet(), first);
    }
  }
}
