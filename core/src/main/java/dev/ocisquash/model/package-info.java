/**
 * Small values shared by every package: {@link dev.ocisquash.model.Digest}, {@link
 * dev.ocisquash.model.MediaTypes}, {@link dev.ocisquash.model.Platform}, {@link
 * dev.ocisquash.model.Json} (the one Jackson set-up, canonical output), and the typed views of
 * image documents: {@link dev.ocisquash.model.ManifestJson}, {@link dev.ocisquash.model.IndexJson},
 * {@link dev.ocisquash.model.ConfigJson}, {@link dev.ocisquash.model.DescriptorJson} and {@link
 * dev.ocisquash.model.DockerManifestJson}. Every JSON field name of those documents is written in
 * one of these views only; a view wraps the parsed tree without copying it, so unknown fields
 * survive a rewrite. Pure values; no I/O beyond parsing bytes handed in.
 */
@NullMarked
package dev.ocisquash.model;

import org.jspecify.annotations.NullMarked;
