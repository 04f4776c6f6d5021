/**
 * The Maven plugin: {@link dev.ocisquash.maven.SquashMojo} ({@code ocisquash:squash}) squashes and
 * strips an image tarball that an earlier step of the build wrote (e.g. jib:buildTar's), through
 * core's Squasher.
 */
@NullMarked
package dev.ocisquash.maven;

import org.jspecify.annotations.NullMarked;
