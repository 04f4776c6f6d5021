package dev.ocisquash.cli;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.SourceImage;
import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import dev.ocisquash.report.Gate;
import dev.ocisquash.report.HtmlReport;
import dev.ocisquash.report.ImageAnalysis;
import dev.ocisquash.report.JsonReport;
import dev.ocisquash.report.Repull;
import dev.ocisquash.report.TextReport;
import dev.ocisquash.strip.StripRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ocisquash analyze IMAGE}: a dry run that reads the image once and reports where its bytes
 * go (waste from layering, largest items, known bulk, duplicates, size estimates). Writes nothing
 * but the reports. Exit codes: 0 ok, 1 bad input, 2 usage error (a malformed {@code --fail-if}, an
 * unknown preset, a bad glob or CPU level), 3 a gate tripped.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Report where an image's bytes go, without writing an image: per-layer sizes, bytes hidden by later layers,"
          + " the largest files and directories, known bulk, duplicate content and size estimates.",
      "IMAGE is anything squash accepts, a registry image included (each layer is streamed once, nothing is"
          + " stored). Exit 3 when a --fail-if gate trips."
    })
final class AnalyzeCommand implements Callable<Integer> {
  /** Exit code when a gate trips. */
  static final int GATE_TRIPPED = ExitCodes.GATE_TRIPPED;

  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description =
          "input image: a path, oci-archive:PATH[:REF], oci:DIR[:REF], docker-archive:PATH[:NAME],"
              + " or docker://HOST/REPO[:TAG|@DIGEST]")
  @Nullable String input;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description = "strip preset to estimate (repeatable)")
  List<String> presets = new ArrayList<>();

  @Option(
      names = "--remove",
      paramLabel = "GLOB",
      description = "extra path glob to estimate removing (repeatable)")
  List<String> removes = new ArrayList<>();

  @Option(
      names = "--keep",
      paramLabel = "GLOB",
      description = "path glob strip rules must keep (repeatable)")
  List<String> keeps = new ArrayList<>();

  @Option(
      names = "--rules",
      paramLabel = "FILE",
      description =
          "JSON file with presets, removes and keeps, as squash --rules takes it (added to the flags)")
  @Nullable Path rules;

  @Option(
      names = "--cpu-level",
      paramLabel = "LEVEL",
      description =
          "x86-64-v1..v4 for the simd-variants preset (without it, simd-variants is estimated at "
              + "x86-64-v2)")
  @Nullable String cpuLevel;

  @Option(
      names = "--from",
      paramLabel = "N",
      description = "squash point: layers N and up would be merged (default ${DEFAULT-VALUE})")
  int from = 0;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "rows in the largest-items tables (default ${DEFAULT-VALUE})")
  int top = 20;

  @Option(
      names = "--duplicates",
      description = "hash final files to find identical content at different paths")
  boolean duplicates;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description =
          "a trace from ocisquash trace, or a raw strace -f log (repeatable, merged): list every package as"
              + " touched or not, why it stays, and what removing the untouched ones would save")
  List<Path> traces = new ArrayList<>();

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "also write the analysis as JSON (schema version 2; on failure: only the error's kind and message)")
  @Nullable Path json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "also write a self-contained HTML page with charts")
  @Nullable Path html;

  @Option(
      names = "--fail-if",
      paramLabel = "EXPR",
      converter = GateConverter.class,
      description =
          "CI gate, e.g. wasted>100MB, size>1GB, efficiency<0.9, 'repull > 20%%' (repeatable); one line each on"
              + " stderr with the value and the threshold; exit 3 when one trips."
              + " Metrics: wasted size compressed squashed duplicates efficiency layers repull (needs --prior)")
  List<Gate> gates = new ArrayList<>();

  @Option(
      names = "--prior",
      paramLabel = "OLD",
      description =
          "also report how many bytes a node holding OLD must pull for IMAGE, layer by layer (gate: repull)")
  @Nullable String prior;

  @Option(
      names = {"-q", "--quiet"},
      description = "print no text report (gates and files still work)")
  boolean quiet;

  @Mixin ImageChoice image = new ImageChoice();

  @Mixin LimitOptions limitOptions = new LimitOptions();

  @Mixin RegistryFlags registry = new RegistryFlags();

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description =
          "where the temporary capture file goes (default: the system temporary directory)")
  @Nullable Path tempDir;

  @Spec @Nullable CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (prior == null && gates.stream().anyMatch(Gate::needsPrior)) {
      throw new picocli.CommandLine.ParameterException(
          commandLine(), "a repull gate needs --prior OLD");
    }
    if (rules != null) {
      // The same file squash --rules reads: its entries come first, the flags add to them.
      StripRules file = StripRules.fromJson(rules);
      presets.addAll(0, file.presets());
      removes.addAll(0, file.removes());
      keeps.addAll(0, file.keeps());
      if (cpuLevel == null && file.cpuLevel() > 0) {
        cpuLevel = "x86-64-v" + file.cpuLevel();
      }
    }
    boolean hash = duplicates || gates.stream().anyMatch(Gate::needsDuplicates);
    AnalyzeOptions.Builder b =
        AnalyzeOptions.builder().selector(image.selector()).from(from).top(top).duplicates(hash);
    presets.forEach(b::preset);
    traces.forEach(b::trace);
    removes.forEach(b::remove);
    keeps.forEach(b::keep);
    b.cpuLevel(cpuLevel).limits(limitOptions.limits()).tempDir(tempDir);
    try {
      // Checked before the image is read: an unknown preset or a bad glob is a usage error.
      StripRules.Builder rules = StripRules.builder();
      presets.forEach(rules::preset);
      removes.forEach(rules::remove);
      keeps.forEach(rules::keep);
      if (cpuLevel != null) {
        rules.cpuLevel(cpuLevel);
      }
      rules.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine(), e.getMessage());
    }
    ImageLocation in;
    @Nullable ImageLocation old;
    ImageSelector selector;
    @Nullable ImageSelector priorSelector;
    try {
      in = ImageLocation.parse(input());
      old = prior == null ? null : ImageLocation.parse(prior);
      selector = in.selector(image.ref, image.platform);
      priorSelector = old == null ? null : old.selector(image.ref, image.platform);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine(), e.getMessage());
    }
    b.selector(selector);
    OutputFiles.check("--json", json);
    OutputFiles.check("--html", html);
    // A registry image is read as squash reads it: each layer streamed once from the registry,
    // nothing stored.
    TempFiles tempFiles = new TempFiles();
    // Ctrl-C: the capture file and any unfinished report go, and one line says so (the JVM exits
    // with 130).
    Thread hook =
        new Thread(
            () -> {
              tempFiles.deleteAll();
              System.err.println("ocisquash: interrupted: no report was written");
              System.err.flush();
            },
            "ocisquash-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return analyze(in, old, selector, priorSelector, b, tempFiles);
    } catch (IOException | RuntimeException e) {
      // --json says why there is no analysis (unless written above); --html is not written.
      ErrorReport.write(json, e, tempFiles);
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it does the cleanup
      }
    }
  }

  private int analyze(
      ImageLocation in,
      @Nullable ImageLocation old,
      ImageSelector selector,
      @Nullable ImageSelector priorSelector,
      AnalyzeOptions.Builder b,
      TempFiles tempFiles)
      throws IOException {
    ImageAnalysis a;
    Repull.@Nullable Result repull = null;
    try (SourceImage img =
        in.open(selector, limitOptions.limits(), tempFiles, registry.options())) {
      a = Analyzer.analyze(img, b.build());
      if (!quiet) {
        System.out.print(TextReport.render(a, top));
        System.out.flush();
      }
      if (old != null) {
        try (SourceImage o =
            old.open(
                Objects.requireNonNull(priorSelector, "call() sets it with old"),
                limitOptions.limits(),
                tempFiles,
                registry.options())) {
          repull = Repull.of(o, img);
        }
      }
    } catch (IOException | RuntimeException e) {
      ErrorReport.write(json, e, tempFiles); // before the run's temporary files go
      tempFiles.deleteAll();
      throw e;
    }
    if (repull != null && !quiet) {
      System.out.print(Repull.render(repull));
      System.out.flush();
    }
    // Both reports or neither: each is written to a temporary file, then both are renamed into
    // place.
    OutputFiles files = new OutputFiles(tempFiles);
    try {
      if (json != null) {
        JsonReport.write(a, files.stage(json));
      }
      if (html != null) {
        HtmlReport.write(a, files.stage(html));
      }
      files.commit();
    } finally {
      files.abort();
    }
    // One line per gate for the CI log: which gate, the value and the threshold; tripped gates
    // first.
    int tripped = 0;
    List<String> passed = new ArrayList<>();
    for (Gate g : gates) {
      double v =
          g.needsPrior()
              ? Objects.requireNonNull(repull, "call() refuses a repull gate without --prior")
                  .ratio()
              : g.value(a);
      String line = "ocisquash: " + g.summaryAt(v);
      if (g.tripsAt(v)) {
        System.err.println(line);
        tripped++;
      } else {
        passed.add(line);
      }
    }
    passed.forEach(System.err::println);
    System.err.flush();
    return tripped > 0 ? GATE_TRIPPED : 0;
  }

  // picocli injects @Spec and sets the required IMAGE before it calls call(); the fields are null
  // only on an instance picocli has not parsed into.

  private CommandLine commandLine() {
    return Objects.requireNonNull(spec, "picocli injects @Spec").commandLine();
  }

  private String input() {
    return Objects.requireNonNull(input, "picocli sets the required IMAGE");
  }

  /** Parses --fail-if expressions; a malformed one is a usage error. */
  static final class GateConverter implements ITypeConverter<Gate> {
    @Override
    public Gate convert(String s) {
      try {
        return Gate.parse(s);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
