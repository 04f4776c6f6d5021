/**
 * The {@code ocisquash} command (picocli): {@link dev.ocisquash.cli.Main} (sub-commands, exit
 * codes), {@code SquashCommand}, {@code AnalyzeCommand} and {@code PresetsCommand}; option groups
 * ({@code StripOptions}, {@code LimitOptions}, {@code RegistryFlags}, {@code SquashPointOptions});
 * the summary, progress bars and timings; {@code ErrorHandler} (one line per failure). Uses only
 * the library's exported API.
 *
 * <p>Start with {@link dev.ocisquash.cli.Main}, then {@code SquashCommand}.
 */
package dev.ocisquash.cli;
