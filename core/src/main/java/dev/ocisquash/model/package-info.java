/**
 * Small values shared by every package: {@link dev.ocisquash.model.Digest}, {@link dev.ocisquash.model.MediaTypes},
 * {@link dev.ocisquash.model.Platform}, and {@link dev.ocisquash.model.Json} (the one Jackson set-up, canonical
 * output). Pure values; no I/O beyond parsing bytes handed in.
 */
@NullMarked
package dev.ocisquash.model;

import org.jspecify.annotations.NullMarked;
