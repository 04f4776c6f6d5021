package dev.ocisquash.squash;

import dev.ocisquash.TempFiles;
import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.Limits;
import dev.ocisquash.archive.OutputFormat;
import dev.ocisquash.compress.Compression;
import dev.ocisquash.compress.GzipEncoder;
import dev.ocisquash.registry.ImageRef;
import dev.ocisquash.registry.RegistryOptions;
import dev.ocisquash.strip.StripRules;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to squash and how. Immutable; build with {@link #builder(Path, Path)}.
 *
 * <pre>{@code
 * SquashOptions opts = SquashOptions.builder(Path.of("app.tar"), Path.of("app-squashed.tar"))
 *     .compression(Compression.ZSTD)
 *     .build();
 * SquashResult result = Squasher.squash(opts);
 * }</pre>
 */
public final class SquashOptions {
  private final @Nullable Path input;
  private final @Nullable Path output;
  private final @Nullable OutputFormat format;
  private final @Nullable Compression compression;
  private final ImageSelector selector;
  private final int gzipLevel;
  private final GzipEncoder gzipEncoder;
  private final int zstdLevel;
  private final @Nullable Path tempDir;
  private final @Nullable String imageName;
  private final SquashPoint squashPoint;
  private final boolean allowNoop;
  private final @Nullable Long sourceDateEpoch;
  private final int threads;
  private final @Nullable StripRules strip;
  // Hardening: resource limits and the registry of temporary files.
  private final Limits limits;
  private final @Nullable TempFiles tempFiles;
  private final Progress progress;
  private final @Nullable ImageRef inputRef;
  private final @Nullable ImageRef outputRef;
  private final RegistryOptions registry;
  private final int maxLayers;
  private final @Nullable Path prior;
  private final long bigFile;

  private SquashOptions(Builder b) {
    this.input = b.input;
    this.output = b.output;
    this.inputRef = b.inputRef;
    this.outputRef = b.outputRef;
    this.registry = b.registry;
    this.format = b.format;
    this.compression = b.compression;
    this.selector = b.selector;
    this.gzipLevel = b.gzipLevel;
    this.gzipEncoder = b.gzipEncoder;
    this.zstdLevel = b.zstdLevel;
    this.tempDir = b.tempDir;
    this.imageName = b.imageName;
    this.squashPoint = b.squashPoint;
    this.allowNoop = b.allowNoop;
    this.sourceDateEpoch = b.sourceDateEpoch;
    this.threads = b.threads;
    this.strip = b.strip;
    this.limits = b.limits;
    this.tempFiles = b.tempFiles;
    this.progress = b.progress;
    this.maxLayers = b.maxLayers;
    this.prior = b.prior;
    this.bigFile = b.bigFile;
  }

  /**
   * With {@link #maxLayers()} above 1: unclaimed regular files of at least this many bytes are
   * their own groups.
   */
  public long bigFile() {
    return bigFile;
  }

  /**
   * The most layers the squashed range is written as (1 by default: one layer). With more, the tree
   * is grouped by owner and packed into fixed slots (docs/relayering.md) so that releases share
   * layers.
   */
  public int maxLayers() {
    return maxLayers;
  }

  /**
   * A previous release squashed by ocisquash with several layers, or null: its groups keep their
   * slots, so that unchanged groups give the same layers.
   */
  public @Nullable Path prior() {
    return prior;
  }

  /** Where progress goes ({@link Progress#NONE} by default). */
  public Progress progress() {
    return progress;
  }

  /** What to strip from the squashed tree, or null for nothing. */
  public @Nullable StripRules strip() {
    return strip;
  }

  /** Worker threads for compression; the output is the same whatever the count. */
  public int threads() {
    return threads;
  }

  /** Starts options that squash {@code input} into {@code output}. */
  public static Builder builder(Path input, Path output) {
    return new Builder(input, output);
  }

  /**
   * Starts options from names as a user gives them: a path, or a registry reference {@code
   * docker://HOST[:PORT]/REPO[:TAG|@DIGEST]} (see {@link ImageRef}) for either side.
   *
   * @throws IllegalArgumentException when a registry reference is malformed
   */
  public static Builder builder(String input, String output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    ImageRef in = ImageRef.isRegistryRef(input) ? ImageRef.parse(input) : null;
    ImageRef out = ImageRef.isRegistryRef(output) ? ImageRef.parse(output) : null;
    return new Builder(
        in == null ? Path.of(input) : null, out == null ? Path.of(output) : null, in, out);
  }

  /** The input image in a registry, or null when {@link #input()} is a file or directory. */
  public @Nullable ImageRef inputRef() {
    return inputRef;
  }

  /**
   * The registry the output is pushed to, or null when {@link #output()} is a file or directory.
   */
  public @Nullable ImageRef outputRef() {
    return outputRef;
  }

  /** How registries are reached (credentials, TLS, retries). */
  public RegistryOptions registry() {
    return registry;
  }

  /** A builder holding these options, to derive others from them. */
  public Builder toBuilder() {
    Builder b = new Builder(input, output, inputRef, outputRef);
    b.format = format;
    b.compression = compression;
    b.selector = selector;
    b.gzipLevel = gzipLevel;
    b.gzipEncoder = gzipEncoder;
    b.zstdLevel = zstdLevel;
    b.tempDir = tempDir;
    b.squashPoint = squashPoint;
    b.allowNoop = allowNoop;
    b.sourceDateEpoch = sourceDateEpoch;
    b.threads = threads;
    b.strip = strip;
    b.limits = limits;
    b.tempFiles = tempFiles;
    b.progress = progress;
    b.registry = registry;
    b.maxLayers = maxLayers;
    b.prior = prior;
    b.bigFile = bigFile;
    return b;
  }

  /** The input as the user named it: a path or a registry reference. */
  public String inputName() {
    return inputRef != null
        ? inputRef.toString()
        : Objects.requireNonNull(input, "input").toString();
  }

  /** The output as the user named it: a path or a registry reference. */
  public String outputName() {
    return outputRef != null
        ? outputRef.toString()
        : Objects.requireNonNull(output, "output").toString();
  }

  /**
   * The input archive or OCI layout directory; null when the input is in a registry ({@link
   * #inputRef()}).
   */
  public @Nullable Path input() {
    return input;
  }

  /** Where the squashed image goes; null when it is pushed to a registry ({@link #outputRef()}). */
  public @Nullable Path output() {
    return output;
  }

  /** The output format, or null for the input's family. */
  public @Nullable OutputFormat format() {
    return format;
  }

  /** The layer compression, or null for the input's. */
  public @Nullable Compression compression() {
    return compression;
  }

  /** Which image of a multi-image archive to use. */
  public ImageSelector selector() {
    return selector;
  }

  /** gzip level, 1..9. */
  public int gzipLevel() {
    return gzipLevel;
  }

  /** Which deflate implementation compresses gzip layers; {@link GzipEncoder#AUTO} unless set. */
  public GzipEncoder gzipEncoder() {
    return gzipEncoder;
  }

  /** zstd level, 1..19. */
  public int zstdLevel() {
    return zstdLevel;
  }

  /** Where spool files go, or null for the output's directory. */
  public @Nullable Path tempDir() {
    return tempDir;
  }

  /**
   * The name the output image gets instead of the input image's names, or null to keep those: an
   * OCI ref name for an {@code oci} or {@code oci-dir} output (written as it is), a docker name
   * {@code NAME[:TAG]} for a {@code docker} output (its RepoTag). Not for a registry output, whose
   * reference names it.
   */
  public @Nullable String imageName() {
    return imageName;
  }

  /** Which layers to squash; {@link SquashPoint#all()} by default. */
  public SquashPoint squashPoint() {
    return squashPoint;
  }

  /**
   * Whether a squash point that leaves a single layer to squash is accepted (the layer is rewritten
   * anyway).
   */
  public boolean allowNoop() {
    return allowNoop;
  }

  /**
   * The SOURCE_DATE_EPOCH in seconds, or null: entry mtimes later than it are clamped to it, and it
   * becomes the {@code created} time of the config and of the new history entry.
   */
  public @Nullable Long sourceDateEpoch() {
    return sourceDateEpoch;
  }

  /**
   * The limits against decompression bombs and absurd inputs; {@link Limits#defaults()} unless set.
   */
  public Limits limits() {
    return limits;
  }

  /**
   * Where the run registers its temporary files, so that a signal handler can delete them; null
   * means the run uses a private registry of its own.
   */
  public @Nullable TempFiles tempFiles() {
    return tempFiles;
  }

  /** Builder for {@link SquashOptions}. */
  public static final class Builder {
    private @Nullable Path input;
    private @Nullable Path output;
    private @Nullable OutputFormat format;
    private @Nullable Compression compression;
    private ImageSelector selector = ImageSelector.any();
    private int gzipLevel = 6;
    private GzipEncoder gzipEncoder = GzipEncoder.fromSystemProperty();
    private int zstdLevel = 3;
    private @Nullable Path tempDir;
    private @Nullable String imageName;
    private SquashPoint squashPoint = SquashPoint.all();
    private boolean allowNoop;
    private @Nullable Long sourceDateEpoch;
    private int threads = Runtime.getRuntime().availableProcessors();
    private @Nullable StripRules strip;
    private Limits limits = Limits.defaults();
    private @Nullable TempFiles tempFiles;
    private Progress progress = Progress.NONE;
    private @Nullable ImageRef inputRef;
    private @Nullable ImageRef outputRef;
    private RegistryOptions registry = RegistryOptions.defaults();
    private int maxLayers = 1;
    private @Nullable Path prior;
    private long bigFile = dev.ocisquash.layering.Grouping.DEFAULT_BIG_FILE;

    private Builder(Path input, Path output) {
      this(
          Objects.requireNonNull(input, "input"),
          Objects.requireNonNull(output, "output"),
          null,
          null);
    }

    private Builder(
        @Nullable Path input,
        @Nullable Path output,
        @Nullable ImageRef inputRef,
        @Nullable ImageRef outputRef) {
      this.input = input;
      this.output = output;
      this.inputRef = inputRef;
      this.outputRef = outputRef;
    }

    /** Reads the input from a registry instead of a file. */
    public Builder input(ImageRef v) {
      inputRef = Objects.requireNonNull(v);
      input = null;
      return this;
    }

    /**
     * Pushes the output to a registry instead of writing a file. A reference with neither tag nor
     * digest ({@code new ImageRef(registry, repository, null, null)}) pushes the image by digest
     * only and tags nothing.
     */
    public Builder output(ImageRef v) {
      outputRef = Objects.requireNonNull(v);
      output = null;
      return this;
    }

    /** Sets how registries are reached (default {@link RegistryOptions#defaults()}). */
    public Builder registry(RegistryOptions v) {
      registry = Objects.requireNonNull(v);
      return this;
    }

    /** Sets the output format (null: the input's family). */
    public Builder format(@Nullable OutputFormat v) {
      format = v;
      return this;
    }

    /** Sets the layer compression (null: the input's). */
    public Builder compression(@Nullable Compression v) {
      compression = v;
      return this;
    }

    /** Sets which image to take from a multi-image archive. */
    public Builder selector(ImageSelector v) {
      selector = Objects.requireNonNull(v);
      return this;
    }

    /** Sets the gzip level (1..9). */
    public Builder gzipLevel(int v) {
      if (v < 1 || v > 9) {
        throw new IllegalArgumentException("gzip level must be 1..9");
      }
      gzipLevel = v;
      return this;
    }

    /**
     * Sets the gzip encoder: libdeflate (zlib -6-class size at 3.5 times its speed; bytes depend on
     * the library version), ISA-L (fastest; bytes depend on the library and, at levels 7..9, the
     * CPU), zlib (slow; the same bytes everywhere for a zlib version) or AUTO (libdeflate, at level
     * 1 ISA-L, when it loads; see {@link GzipEncoder#AUTO}). Defaults to the system property
     * {@value GzipEncoder#PROPERTY}, else AUTO.
     */
    public Builder gzipEncoder(GzipEncoder v) {
      gzipEncoder = Objects.requireNonNull(v);
      return this;
    }

    /** Sets the zstd level (1..19). */
    public Builder zstdLevel(int v) {
      if (v < 1 || v > 19) {
        throw new IllegalArgumentException("zstd level must be 1..19");
      }
      zstdLevel = v;
      return this;
    }

    /**
     * Names the output image (see {@link SquashOptions#imageName}); null keeps the input's names.
     * The name is checked when the format is known: an OCI ref name against the OCI image spec's
     * grammar, a docker name against Docker's reference grammar.
     */
    public Builder imageName(@Nullable String v) {
      imageName = v;
      return this;
    }

    /** Sets the directory for temporary spool files (default: the output's directory). */
    public Builder tempDir(@Nullable Path v) {
      tempDir = v;
      return this;
    }

    /** Sets which layers to squash. */
    public Builder squashPoint(SquashPoint v) {
      squashPoint = Objects.requireNonNull(v);
      return this;
    }

    /** Accepts a squash point that leaves only one layer to squash. */
    public Builder allowNoop(boolean v) {
      allowNoop = v;
      return this;
    }

    /** Sets SOURCE_DATE_EPOCH (seconds), or null for none. */
    public Builder sourceDateEpoch(@Nullable Long v) {
      sourceDateEpoch = v;
      return this;
    }

    /** Sets the number of compression threads (at least 1; default: the number of processors). */
    public Builder threads(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      threads = v;
      return this;
    }

    /** Sets the strip rules (null or empty rules: strip nothing). */
    public Builder strip(@Nullable StripRules v) {
      strip = v;
      return this;
    }

    /** Sets the resource limits (default {@link Limits#defaults()}). */
    public Builder limits(Limits v) {
      limits = Objects.requireNonNull(v);
      return this;
    }

    /**
     * Sets the registry the run records its temporary files in (default: a private one). Give each
     * concurrent run its own registry; the CLI passes the one its shutdown hook empties.
     */
    public Builder tempFiles(@Nullable TempFiles v) {
      tempFiles = v;
      return this;
    }

    /** Sets where progress is reported (default: nowhere). */
    public Builder progress(Progress v) {
      progress = Objects.requireNonNull(v);
      return this;
    }

    /** Sets the most layers the squashed range is written as (at least 1; default 1). */
    public Builder maxLayers(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("--max-layers must be at least 1, got " + v);
      }
      maxLayers = v;
      return this;
    }

    /** Sets the previous release whose layer placement is kept (null: none). */
    public Builder prior(@Nullable Path v) {
      prior = v;
      return this;
    }

    /** Sets the big-file threshold of the grouping (bytes, at least 0; default 1 MiB). */
    public Builder bigFile(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("--big-file must not be negative");
      }
      bigFile = v;
      return this;
    }

    /** Builds the options. */
    public SquashOptions build() {
      return new SquashOptions(this);
    }
  }
}
