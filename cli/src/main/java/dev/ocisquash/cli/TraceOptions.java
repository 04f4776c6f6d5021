package dev.ocisquash.cli;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import dev.ocisquash.report.TextReport;
import dev.ocisquash.trace.PackageUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code squash --trace T... --remove-untouched-packages}: before the squash, the input is read
 * once more to find the packages nothing touched and nothing kept needs ({@link PackageUsage});
 * they are then removed by the package rules ({@code --remove-package}, one exact selector each),
 * with the {@code update-alternatives} links that point into them. Opt-in; never part of a preset.
 */
final class TraceOptions {
  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description =
          "a trace from ocisquash trace, or a raw strace -f log (repeatable, merged); used by"
              + " --remove-untouched-packages")
  List<Path> traces = new ArrayList<>();

  @Option(
      names = "--remove-untouched-packages",
      description =
          "remove the installed packages that nothing in the traces touched and nothing kept depends on"
              + " (see docs/trace.md for the risk: a code path the traces never ran)")
  boolean removeUntouched;

  /**
   * The packages to remove, decided on the input's final tree.
   *
   * @return the usage, or null when {@code --remove-untouched-packages} was not given
   */
  PackageUsage.@Nullable Result plan(
      ImageLocation in,
      ImageSelector selector,
      LimitOptions limits,
      RegistryFlags registry,
      @Nullable Path tempDir)
      throws IOException {
    if (!removeUntouched) {
      return null;
    }
    AnalyzeOptions.Builder o =
        AnalyzeOptions.builder().selector(selector).limits(limits.limits()).tempDir(tempDir);
    traces.forEach(o::trace);
    try (SourceImage img =
        in.open(selector, limits.limits(), new TempFiles(), registry.options())) {
      return Analyzer.analyze(img, o.build()).packages();
    }
  }

  /** One line per package removed, with its size, and the total. */
  static String summary(PackageUsage.Result u) {
    StringBuilder sb = new StringBuilder();
    sb.append("  untouched packages removed (--trace: ")
        .append(u.tracedPaths())
        .append(" paths): ")
        .append(u.removableCount())
        .append(", ")
        .append(TextReport.human(u.savedBytes()))
        .append(System.lineSeparator());
    for (PackageUsage.Row r : u.rows()) {
      if (r.reason() == null) {
        sb.append("    ")
            .append(r.label())
            .append(' ')
            .append(TextReport.human(r.bytes()))
            .append(System.lineSeparator());
      }
    }
    return sb.toString();
  }
}
