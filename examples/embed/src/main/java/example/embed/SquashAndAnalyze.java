package example.embed;

import dev.ocisquash.compress.Compression;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import dev.ocisquash.report.ImageAnalysis;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.SquashResult;
import dev.ocisquash.squash.Squasher;
import dev.ocisquash.strip.StripRules;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Embeds ocisquash: analyzes a saved image, squashes it into one gzip layer with the {@code safe} strip preset,
 * and analyzes the result. Run: {@code java -cp ... example.embed.SquashAndAnalyze IN.tar OUT.tar}.
 */
public final class SquashAndAnalyze {
  private SquashAndAnalyze() {}

  /** What one run found and did. */
  public record Outcome(ImageAnalysis before, SquashResult squash, ImageAnalysis after) {}

  /** Analyzes {@code in}, squashes and strips it into {@code out}, and analyzes {@code out}. */
  public static Outcome run(Path in, Path out) throws IOException {
    ImageAnalysis before = Analyzer.analyze(in, AnalyzeOptions.builder().duplicates(true).build());
    SquashResult squash =
        Squasher.squash(
            SquashOptions.builder(in, out)
                .compression(Compression.GZIP)
                .strip(StripRules.builder().preset("safe").build())
                .build());
    ImageAnalysis after = Analyzer.analyze(out, AnalyzeOptions.defaults());
    return new Outcome(before, squash, after);
  }

  /** Command-line entry point: IN.tar OUT.tar. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: SquashAndAnalyze IN.tar OUT.tar");
      System.exit(2);
    }
    Outcome o = run(Path.of(args[0]), Path.of(args[1]));
    System.out.printf(
        "before: %d layers, %d files, %d bytes hidden by later layers, efficiency %.2f%n",
        o.before().layers().size(), o.before().finalFiles(), o.before().wastedBytes(), o.before().efficiency());
    System.out.printf(
        "squash: %d -> %d layers, %d -> %d bytes, %d paths stripped, manifest %s%n",
        o.squash().layersIn(), o.squash().layersOut(), o.squash().inputBytes(), o.squash().outputBytes(),
        o.squash().stripReport() == null ? 0 : o.squash().stripReport().getEntriesRemoved(),
        o.squash().manifestDigest());
    System.out.printf(
        "after:  %d layers, %d files, %d bytes hidden, efficiency %.2f%n",
        o.after().layers().size(), o.after().finalFiles(), o.after().wastedBytes(), o.after().efficiency());
  }
}
