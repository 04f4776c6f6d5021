package dev.ocisquash.maven;

import dev.ocisquash.ImageException;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.SquashPoint;
import dev.ocisquash.squash.SquashResult;
import dev.ocisquash.squash.Squasher;
import dev.ocisquash.strip.StripRules;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * Squashes (and optionally strips) a saved image, by default the tarball {@code jib:buildTar}
 * writes, into a new tarball: the same operation as {@code ocisquash squash}. Bind it in the {@code
 * package} phase after Jib.
 */
@Mojo(name = "squash", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class SquashMojo extends AbstractMojo {
  /**
   * The image to squash: a docker save / podman save tarball, an oci-archive or an OCI layout
   * directory.
   */
  @Parameter(
      property = "ocisquash.input",
      defaultValue = "${project.build.directory}/jib-image.tar")
  File input;

  /** Where the squashed image goes (written atomically). */
  @Parameter(
      property = "ocisquash.output",
      defaultValue = "${project.build.directory}/jib-image-squashed.tar")
  File output;

  /** docker, oci or oci-dir; default: the input's family. */
  @Parameter(property = "ocisquash.format")
  @Nullable String format;

  /** gzip, zstd or none; default: the input's layer compression. */
  @Parameter(property = "ocisquash.compression")
  @Nullable String compression;

  /** Keep the base image's layers and squash only what was built on them (the app's layers). */
  @Parameter(property = "ocisquash.keepBase", defaultValue = "false")
  boolean keepBase;

  /** Strip presets, e.g. {@code safe}. */
  @Parameter List<String> presets = List.of();

  /** Extra path globs to remove. */
  @Parameter List<String> removes = List.of();

  /** Path globs always kept. */
  @Parameter List<String> keeps = List.of();

  /**
   * Dates the output like the rest of a reproducible Maven build: Maven's {@code
   * project.build.outputTimestamp} (ISO-8601 or seconds) clamps mtimes and sets {@code created};
   * empty leaves them as the input has them.
   */
  @Parameter(defaultValue = "${project.build.outputTimestamp}")
  @Nullable String outputTimestamp;

  /** Skips the goal. */
  @Parameter(property = "ocisquash.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("ocisquash: skipped");
      return;
    }
    if (!input.exists()) {
      throw new MojoFailureException(
          input + ": no such image (did jib:buildTar run before this goal?)");
    }
    try {
      Files.createDirectories(output.toPath().toAbsolutePath().getParent());
      SquashOptions.Builder b =
          SquashOptions.builder(input.toPath(), output.toPath())
              .squashPoint(keepBase ? SquashPoint.keepBase() : SquashPoint.all())
              .sourceDateEpoch(epoch(outputTimestamp));
      if (format != null && !format.isBlank()) {
        b.format(OutputFormat.valueOf(format.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
      }
      if (compression != null && !compression.isBlank()) {
        b.compression(Compression.valueOf(compression.trim().toUpperCase(Locale.ROOT)));
      }
      if (!presets.isEmpty() || !removes.isEmpty()) {
        StripRules.Builder rules = StripRules.builder();
        presets.forEach(rules::preset);
        removes.forEach(rules::remove);
        keeps.forEach(rules::keep);
        b.strip(rules.build());
      }
      SquashResult r = Squasher.squash(b.build());
      getLog()
          .info(
              String.format(
                  "ocisquash: %s -> %s: %d -> %d layers, %d -> %d bytes, manifest %s",
                  input.getName(),
                  output.getName(),
                  r.layersIn(),
                  r.layersOut(),
                  r.inputBytes(),
                  r.outputBytes(),
                  r.manifestDigest()));
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("ocisquash: " + e.getMessage(), e);
    } catch (ImageException e) {
      throw new MojoFailureException("ocisquash: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("ocisquash: " + e.getMessage(), e);
    }
  }

  /** Maven's outputTimestamp: seconds since the epoch or an ISO-8601 instant; null when unset. */
  static @Nullable Long epoch(@Nullable String outputTimestamp) {
    if (outputTimestamp == null || outputTimestamp.isBlank() || outputTimestamp.length() < 2) {
      return null; // Maven documents a single character as "not set"
    }
    String t = outputTimestamp.trim();
    if (t.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(t);
    }
    try {
      return Instant.parse(t).getEpochSecond();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "project.build.outputTimestamp '" + t + "' is neither seconds nor ISO-8601");
    }
  }
}
