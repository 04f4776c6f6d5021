package dev.ocisquash.cli;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.compress.Compressors;
import dev.ocisquash.compress.GzipEncoder;
import dev.ocisquash.squash.IndexSquasher;
import dev.ocisquash.squash.Progress;
import dev.ocisquash.squash.SquashOptions;
import dev.ocisquash.squash.SquashResult;
import dev.ocisquash.squash.Squasher;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ocisquash squash IN -o OUT}: flatten an image's layers into one. */
@Command(
    name = "squash",
    mixinStandardHelpOptions = true,
    description = {
      "Flatten the layers of a saved image into one, exactly as a runtime would stack them.",
      "IN is a docker/podman save tar (optionally gzip/zstd compressed), an oci-archive tar or an OCI layout"
          + " directory; skopeo's oci-archive:PATH[:REF], oci:DIR[:REF] and docker-archive:PATH[:NAME] name them"
          + " too (OUT: without REF or NAME; the transport sets --format).",
      "IN and OUT may also be images in a registry, written as skopeo writes them:"
          + " docker://HOST[:PORT]/REPO[:TAG|@DIGEST]; a push sends only the blobs the registry lacks."
    })
final class SquashCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "IN",
      description =
          "input image archive, OCI layout directory, or docker://HOST/REPO[:TAG|@DIGEST]")
  @Nullable String input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "OUT",
      description =
          "output file (or directory for oci-dir), written atomically; or docker://HOST/REPO[:TAG], pushed by"
              + " digest and then tagged")
  @Nullable String output;

  @Option(
      names = "--format",
      paramLabel = "FMT",
      converter = FormatConverter.class,
      description = "docker | oci | oci-dir (default: the input's family)")
  @Nullable OutputFormat format;

  @Option(
      names = "--compression",
      paramLabel = "ALG",
      converter = CompressionConverter.class,
      description =
          "gzip | zstd | none (default: the input's layer compression; gzip for a docker:// OUT)")
  @Nullable Compression compression;

  @Option(
      names = "--gzip-level",
      paramLabel = "N",
      description = "gzip level 1-9 (default ${DEFAULT-VALUE})")
  int gzipLevel = 6;

  @Option(
      names = "--gzip-encoder",
      paramLabel = "ENC",
      description =
          "auto | libdeflate | isal | zlib: libdeflate has zlib -6's size at 3.5x its speed, ISA-L is 10x"
              + " faster and 5%% larger, zlib gives the same bytes on any machine (default: auto = libdeflate,"
              + " at --gzip-level 1 ISA-L, when its library loads)")
  @Nullable String gzipEncoder;

  @Option(
      names = "--zstd-level",
      paramLabel = "N",
      description = "zstd level 1-19 (default ${DEFAULT-VALUE})")
  int zstdLevel = 3;

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description = "where spool files go (default: beside OUT)")
  @Nullable Path tempDir;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable SquashPointOptions point;

  @Option(
      names = "--allow-noop",
      description = "accept a squash point that leaves a single layer to squash")
  boolean allowNoop;

  @Option(
      names = "--source-date-epoch",
      paramLabel = "SECONDS",
      converter = EpochConverter.class,
      description =
          "clamp mtimes to this time and use it as 'created' (default: $SOURCE_DATE_EPOCH if set)")
  @Nullable Long sourceDateEpoch;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "compression threads (default: all processors); output does not depend on it")
  @Nullable Integer threads;

  @Mixin StripOptions strip = new StripOptions();

  @Option(
      names = "--max-layers",
      paramLabel = "N",
      description =
          "write the squashed range as at most N layers, grouped by package owner so that releases share layers"
              + " (default ${DEFAULT-VALUE}: one layer)")
  int maxLayers = 1;

  @Option(
      names = "--big-file",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description =
          "with --max-layers: a file no package owns of at least SIZE is a group of its own (default 1M)")
  @Nullable Long bigFile;

  @Option(
      names = "--prior",
      paramLabel = "IMAGE",
      description =
          "a previous release squashed with --max-layers: keep its groups in their layers")
  @Nullable Path prior;

  @Option(
      names = "--report-json",
      paramLabel = "FILE",
      description =
          "write every strip decision, with per-rule totals, and with --max-layers the layers, as JSON"
              + " (on failure: only the error's kind and message)")
  @Nullable Path reportJson;

  // --- Hardening (issue 7): limits against decompression bombs; defaults in
  // dev.ocisquash.archive.Limits. ---

  @Mixin LimitOptions limitOptions = new LimitOptions();

  @Mixin TraceOptions traceOptions = new TraceOptions();

  @Option(
      names = {"-q", "--quiet"},
      description = "print nothing on success")
  boolean quiet;

  @Option(
      names = "--timings",
      description = "print each stage's wall time and throughput on stderr")
  boolean timings;

  @Mixin ImageChoice image = new ImageChoice();

  @Mixin RegistryFlags registry = new RegistryFlags();

  @Option(
      names = "--all-platforms",
      description =
          "squash every image of a multi-platform index (registry to registry) and push a new index")
  boolean allPlatforms;

  private boolean fileOutput;
  private @Nullable Path imageFile;
  private volatile @Nullable Path committedImage;

  @Override
  public Integer call() throws Exception {
    SquashOptions.Builder b;
    ImageLocation in;
    try {
      in = ImageLocation.parse(input());
      ImageLocation out = ImageLocation.parse(output());
      if (out.format() != null) {
        if (format != null && format != out.format()) {
          throw new IllegalArgumentException(
              "'"
                  + output()
                  + "' is "
                  + formatName(out.format())
                  + " but --format says "
                  + formatName(format)
                  + ": give one");
        }
        format = out.format();
      }
      b =
          SquashOptions.builder(in.target(), out.target())
              .registry(registry.options())
              .imageName(out.name());
      // A registry serves layers over the network: push gzip unless told otherwise, as docker and
      // skopeo do.
      if (out.ref() != null && compression == null) {
        compression = Compression.GZIP;
      }
      fileOutput = out.path() != null;
      imageFile = out.path();
      b.selector(in.selector(image.ref, image.platform));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine(), e.getMessage());
    }
    b.gzipLevel(gzipLevel).gzipEncoder(gzipEncoder()).zstdLevel(zstdLevel).tempDir(tempDir);
    b.format(format)
        .compression(compression)
        .allowNoop(allowNoop)
        .sourceDateEpoch(sourceDateEpoch());
    if (threads != null) {
      if (threads < 1) {
        throw new ParameterException(commandLine(), "--threads must be at least 1");
      }
      b.threads(threads);
    }
    if (traceOptions.removeUntouched && traceOptions.traces.isEmpty()) {
      throw new ParameterException(
          commandLine(), "--remove-untouched-packages needs at least one --trace FILE");
    }
    dev.ocisquash.trace.PackageUsage.Result untouched =
        traceOptions.plan(
            in, in.selector(image.ref, image.platform), limitOptions, registry, tempDir);
    if (untouched != null) {
      strip.removePackages.addAll(untouched.removable());
      untouched
          .alternatives()
          .forEach(p -> strip.removes.add(dev.ocisquash.trace.PackageUsage.globLiteral(p)));
      if (!quiet) {
        System.err.print(TraceOptions.summary(untouched));
      }
    }
    try {
      b.strip(strip.build());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine(), e.getMessage());
    }
    b.squashPoint(SquashPointOptions.of(point));
    if (maxLayers < 1) {
      throw new ParameterException(
          commandLine(), "--max-layers must be at least 1, got " + maxLayers);
    }
    if (prior != null && maxLayers == 1) {
      throw new ParameterException(commandLine(), "--prior needs --max-layers N with N > 1");
    }
    b.maxLayers(maxLayers).prior(prior);
    if (bigFile != null) {
      b.bigFile(bigFile);
    }
    b.limits(limitOptions.limits());
    Progress progress = TerminalProgress.forConsole(quiet);
    b.progress(timings ? new StageTimings(progress, System.err) : progress);
    // Every output is checked before any work: a run that cannot write its report does not write
    // its image.
    if (imageFile != null) {
      try {
        dev.ocisquash.archive.ImageWriter.checkDestination(imageFile);
      } catch (java.io.IOException e) {
        ErrorReport.write(reportJson, e, TempFiles.none());
        throw e;
      }
    }
    OutputFiles.check("--report-json", reportJson);
    // On SIGINT/SIGTERM the JVM runs shutdown hooks; ours deletes the spool, layer and output temp
    // files, and an
    // image already renamed into place whose report is not, so an interrupted run leaves none of
    // its outputs, and
    // says so in one line (the JVM then exits with 130). Removed again when the run ends, so
    // in-process callers
    // do not leak it.
    TempFiles tempFiles = new TempFiles();
    b.tempFiles(tempFiles);
    Thread hook = new Thread(() -> interrupted(tempFiles), "ocisquash-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    long start = System.nanoTime();
    SquashResult r;
    try {
      if (allPlatforms) {
        if (image.platform != null || image.ref != null) {
          throw new ParameterException(
              commandLine(), "--all-platforms takes every image: no --platform or --ref");
        }
        return allPlatforms(b.build(), start);
      }
      r = Squasher.squash(b.build());
      committedImage = imageFile;
      if (reportJson != null && (r.stripReport() != null || maxLayers > 1)) {
        writeReport(r, reportJson, tempFiles);
      }
    } catch (java.io.IOException | RuntimeException e) {
      // On failure --report-json holds only the error: its kind and the line printed below.
      ErrorReport.write(reportJson, e, tempFiles);
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it does the cleanup
      }
      committedImage = null;
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (!quiet) {
      // Only a gzip output names its encoder; asking otherwise would load native libraries for
      // nothing.
      boolean gzip = r.compression() == Compression.GZIP;
      String encoder = gzip ? Compressors.gzipEncoderName(gzipEncoder(), gzipLevel) : null;
      System.out.println(Summary.of(input(), output(), r, secs, encoder));
      if (point != null && point.keepBase && r.firstSquashedLayer() == 0) {
        System.out.println("  note     no base image found in the history: squashed all layers");
      }
      if (fileOutput && compression == null && r.compression() == Compression.NONE) {
        System.out.println(
            "  note     layers are uncompressed, as the input's; --compression gzip compresses them");
      }
      if (gzip) {
        for (String missing : Compressors.missingNativeCodecs(gzipEncoder())) {
          System.out.println("  note     " + missing);
        }
      }
    }
    return 0;
  }

  /**
   * Writes --report-json beside the image through a temporary file; if it cannot be written the
   * image goes too: a failed run leaves none of its outputs.
   */
  private void writeReport(SquashResult r, Path report, TempFiles tempFiles)
      throws java.io.IOException {
    OutputFiles files = new OutputFiles(tempFiles);
    try {
      StripReportJson.write(
          r.stripReport(), maxLayers > 1 ? r.newLayers() : null, files.stage(report));
      files.commit();
    } catch (java.io.IOException | RuntimeException e) {
      files.abort();
      if (imageFile != null) {
        TempFiles.deleteRecursively(imageFile);
      }
      throw e;
    }
  }

  /** The shutdown hook: removes what the run wrote and says it was interrupted. */
  private void interrupted(TempFiles tempFiles) {
    tempFiles.deleteAll();
    Path done = committedImage;
    if (done != null) {
      try {
        TempFiles.deleteRecursively(done);
      } catch (java.io.IOException e) {
        // nothing more can be done on the way out
      }
    }
    System.err.println("ocisquash: interrupted: nothing was written");
    System.err.flush();
  }

  // picocli injects @Spec and sets the required IN and -o before it calls call(); the fields are
  // null only on an instance picocli has not parsed into.

  private CommandLine commandLine() {
    return Objects.requireNonNull(spec, "picocli injects @Spec").commandLine();
  }

  private String input() {
    return Objects.requireNonNull(input, "picocli sets the required IN");
  }

  private String output() {
    return Objects.requireNonNull(output, "picocli sets the required -o");
  }

  private static String formatName(OutputFormat f) {
    return f.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private int allPlatforms(SquashOptions options, long start) throws java.io.IOException {
    IndexSquasher.Result all = IndexSquasher.squashAll(options);
    double secs = (System.nanoTime() - start) / 1e9;
    if (!quiet) {
      for (java.util.Map.Entry<String, SquashResult> e : all.byPlatform().entrySet()) {
        SquashResult r = e.getValue();
        String encoder =
            r.compression() == Compression.GZIP ? Compressors.gzipEncoderName(gzipEncoder()) : null;
        System.out.print(Summary.of(input() + " [" + e.getKey() + "]", output(), r, secs, encoder));
      }
      System.out.println(
          "index "
              + all.indexDigest()
              + " ("
              + all.byPlatform().size()
              + " platforms) tagged "
              + output());
    }
    return 0;
  }

  private @Nullable Long sourceDateEpoch() {
    if (sourceDateEpoch != null) {
      return sourceDateEpoch;
    }
    String env = System.getenv("SOURCE_DATE_EPOCH");
    if (env == null || env.isBlank()) {
      return null;
    }
    try {
      return EpochConverter.parse(env);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine(), "SOURCE_DATE_EPOCH " + e.getMessage());
    }
  }

  /**
   * Parses --source-date-epoch and $SOURCE_DATE_EPOCH: whole seconds since 1970-01-01 UTC, not
   * negative.
   */
  static final class EpochConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) {
      try {
        return parse(s);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }

    static long parse(String s) {
      try {
        long v = Long.parseLong(s.trim());
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "'"
              + s
              + "' is not a time: expected whole seconds since 1970-01-01 UTC, e.g. $(date +%s)");
    }
  }

  /** Parses a positive whole number (a usage error, exit 2, otherwise). */
  static final class PositiveConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) {
      try {
        long v = Long.parseLong(s.trim());
        if (v > 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new picocli.CommandLine.TypeConversionException(
          "invalid number '" + s + "' (expected a positive whole number)");
    }
  }

  /**
   * Parses sizes such as {@code 123}, {@code 64G}, {@code 64GiB}, {@code 512M}, {@code 1T} (binary
   * units).
   */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) {
      return parseSize(s);
    }
  }

  static long parseSize(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    int shift = 0;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K':
          shift = 10;
          break;
        case 'M':
          shift = 20;
          break;
        case 'G':
          shift = 30;
          break;
        case 'T':
          shift = 40;
          break;
        default:
          break;
      }
    }
    if (shift > 0) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t.trim());
      if (v <= 0 || v > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return v << shift;
    } catch (NumberFormatException e) {
      throw new picocli.CommandLine.TypeConversionException(
          "invalid size '"
              + s
              + "' (expected a positive number of bytes, optionally with K, M, G or T)");
    }
  }

  /** Parses --format values (the names are core's: {@link OutputFormat#parse}). */
  static final class FormatConverter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String s) {
      try {
        return OutputFormat.parse(s);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses --compression values (the names are core's: {@link Compression#parse}). */
  static final class CompressionConverter implements ITypeConverter<Compression> {
    @Override
    public Compression convert(String s) {
      try {
        return Compression.parse(s);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** The --gzip-encoder choice, else the process default (system property, else AUTO). */
  private GzipEncoder gzipEncoder() {
    if (gzipEncoder == null) {
      return GzipEncoder.fromSystemProperty();
    }
    try {
      return GzipEncoder.valueOf(gzipEncoder.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          commandLine(),
          "--gzip-encoder must be " + GzipEncoder.names() + ", not '" + gzipEncoder + "'");
    }
  }
}
