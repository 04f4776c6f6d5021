package dev.ocisquash.cli;

import dev.ocisquash.strip.StripRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The strip options shared by commands: presets, globs, a rules file, the CPU level and --force.
 */
final class StripOptions {
  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description =
          "strip preset (repeatable): safe, or an opt-in one; 'ocisquash presets' lists them")
  List<String> presets = new ArrayList<>();

  @Option(
      names = "--remove",
      paramLabel = "GLOB",
      description = "remove paths matching GLOB (repeatable)")
  List<String> removes = new ArrayList<>();

  @Option(
      names = "--keep",
      paramLabel = "GLOB",
      description = "always keep paths matching GLOB (repeatable)")
  List<String> keeps = new ArrayList<>();

  @Option(
      names = "--remove-package",
      paramLabel = "[ECO:]NAME",
      description =
          "remove an installed package by name (repeatable, globs; ECO: dpkg, apk, conda, pip, npm): its "
              + "files and its database entry; refused when a kept package depends on it (see docs/packages.md)")
  List<String> removePackages = new ArrayList<>();

  @Option(
      names = "--rules",
      paramLabel = "FILE",
      description = "JSON file with presets, removes, keeps and removePackages")
  @Nullable Path rules;

  @Option(
      names = "--cpu-level",
      paramLabel = "LEVEL",
      description = "x86-64-v1|v2|v3|v4: the fleet's CPU level, for --preset simd-variants")
  @Nullable String cpuLevel;

  @Option(
      names = "--force",
      description =
          "turn off the strip safety checks; --remove-package then removes packages kept ones depend on")
  boolean force;

  /** The rules, or null when no strip option was given. */
  @Nullable StripRules build() throws Exception {
    if (rules == null
        && presets.isEmpty()
        && removes.isEmpty()
        && keeps.isEmpty()
        && removePackages.isEmpty()) {
      return null;
    }
    StripRules.Builder b = StripRules.builder();
    if (rules != null) {
      StripRules file = StripRules.fromJson(rules);
      file.presets().forEach(b::preset);
      file.removes().forEach(b::remove);
      file.keeps().forEach(b::keep);
      file.removePackages().forEach(b::removePackage);
      b.force(file.force());
      b.keepLicenses(file.keepLicenses());
      if (file.cpuLevel() > 0) {
        b.cpuLevel("x86-64-v" + file.cpuLevel());
      }
    }
    presets.forEach(b::preset);
    removes.forEach(b::remove);
    keeps.forEach(b::keep);
    removePackages.forEach(b::removePackage);
    if (cpuLevel != null) {
      b.cpuLevel(cpuLevel);
    }
    if (force) {
      b.force(true);
    }
    return b.build();
  }
}
