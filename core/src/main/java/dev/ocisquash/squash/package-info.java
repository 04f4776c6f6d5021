/**
 * {@code squash}: flattening layers exactly as a runtime stacks them ({@link dev.ocisquash.squash.SquashPlanner},
 * a pure decision on whiteouts, opaque markers, type changes and hardlinks), the named steps of a run (open,
 * flatten, strip, layout, write layers, config, write image) and the reproducible layer writers.
 *
 * <p>May use every lower package: {@code archive}, {@code compress}, {@code layering}, {@code strip}, {@code tar},
 * {@code model}.
 *
 * <p>Start with {@link dev.ocisquash.squash.Squasher} (the run, step by step) and {@link
 * dev.ocisquash.squash.SquashOptions}, then {@link dev.ocisquash.squash.SquashPlanner}.
 */
@NullMarked
package dev.ocisquash.squash;

import org.jspecify.annotations.NullMarked;
