/**
 * The root package: what every other package shares. {@link dev.ocisquash.ImageException} (the
 * one-line error every failure becomes, with its {@link dev.ocisquash.ImageException.Kind}), {@link
 * dev.ocisquash.TempFiles} (temporary files that vanish with the run), {@link
 * dev.ocisquash.WriteFailures} and {@link dev.ocisquash.BackgroundFailures} (rethrowing what a
 * writer or a background thread failed with), {@link dev.ocisquash.EscapedNames} (entry names in
 * messages). Uses no other package of ocisquash: every other package may use it.
 *
 * <p>Where to start reading the library: {@link dev.ocisquash.squash.Squasher} (squash), {@link
 * dev.ocisquash.report.Analyzer} (analyze), {@link dev.ocisquash.archive.ImageArchives} (inputs).
 */
@NullMarked
package dev.ocisquash;

import org.jspecify.annotations.NullMarked;
