/**
 * The {@code ocisquash} command (picocli): {@link dev.ocisquash.cli.Main} (sub-commands, exit
 * codes), {@code SquashCommand}, {@code AnalyzeCommand}, {@code TraceCommand} and {@code
 * PresetsCommand}; option groups ({@code StripOptions}, {@code LimitOptions}, {@code
 * RegistryFlags}, {@code SquashPointOptions}, {@code TraceOptions}, {@code ImageChoice}); the
 * summary, progress bars and timings; {@code ErrorHandler} (one line per failure). Uses only the
 * library's exported API.
 *
 * <p>Null-marked: an option picocli may leave unset is a {@code @Nullable} field; the required ones
 * and {@code @Spec}, which picocli sets before {@code call()}, are read through accessors that
 * {@code requireNonNull} them.
 *
 * <p>Start with {@link dev.ocisquash.cli.Main}, then {@code SquashCommand}.
 */
@NullMarked
package dev.ocisquash.cli;

import org.jspecify.annotations.NullMarked;
