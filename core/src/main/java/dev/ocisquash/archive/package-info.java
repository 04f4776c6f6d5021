/**
 * Image inputs and outputs: docker save tarballs, OCI layouts (directories and oci-archives) and
 * registry images read as the same {@link dev.ocisquash.archive.SourceImage}; blob stores; digest
 * and size verification; input limits; which image of several is meant ({@link
 * dev.ocisquash.archive.ImageSelector}, and {@code ArtifactRule}: signatures, SBOMs and other
 * artifacts are not images); the names an output carries ({@link
 * dev.ocisquash.archive.ImageNames}); and the atomic writers of docker-archive, oci-archive, OCI
 * layout and registry outputs.
 *
 * <p>May use {@code tar}, {@code compress}, {@code model} and {@code registry}; knows nothing of
 * squashing.
 *
 * <p>Start with {@link dev.ocisquash.archive.ImageArchives} (format detection, opening), then
 * {@code OciReader} and {@code DockerReader} (which image), and {@link
 * dev.ocisquash.archive.ImageWriter} (output).
 */
@NullMarked
package dev.ocisquash.archive;

import org.jspecify.annotations.NullMarked;
