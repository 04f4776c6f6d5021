/**
 * {@code squash}: flattening layers exactly as a runtime stacks them ({@link
 * dev.ocisquash.squash.SquashPlanner}, a pure decision on whiteouts, opaque markers, type changes
 * and hardlinks), the named steps of a run (open, flatten, read prior, grouping, strip, layout,
 * write layers, config, write image; each a {@code SquashStep} object built with its inputs, with
 * one {@code run()}) and the reproducible layer writers. The analyze side's dry-run flatten is
 * {@link dev.ocisquash.squash.AnalysisFlattener} (result: {@link
 * dev.ocisquash.squash.FlattenedImage}); it shares the planner, not the steps.
 *
 * <p>May use every lower package: {@code archive}, {@code compress}, {@code layering}, {@code
 * strip}, {@code tar}, {@code model}.
 *
 * <p>Start with {@link dev.ocisquash.squash.Squasher} (the run, step by step) and {@link
 * dev.ocisquash.squash.SquashOptions}, then {@link dev.ocisquash.squash.SquashPlanner}.
 */
@NullMarked
package dev.ocisquash.squash;

import org.jspecify.annotations.NullMarked;
