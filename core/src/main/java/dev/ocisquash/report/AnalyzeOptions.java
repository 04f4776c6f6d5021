package dev.ocisquash.report;

import dev.ocisquash.archive.ImageSelector;
import dev.ocisquash.archive.Limits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Analyzer#analyze} should look at. Create with {@link #builder()}; immutable.
 *
 * <pre>{@code
 * AnalyzeOptions o = AnalyzeOptions.builder().top(10).duplicates(true).preset("python").build();
 * }</pre>
 */
public final class AnalyzeOptions {
  private final ImageSelector selector;
  private final int from;
  private final int top;
  private final boolean duplicates;
  private final List<String> presets;
  private final List<String> removes;
  private final List<String> keeps;
  private final @Nullable String cpuLevel;
  private final Limits limits;
  private final @Nullable Path tempDir;
  private final List<Path> traces;

  private AnalyzeOptions(Builder b) {
    this.selector = b.selector;
    this.from = b.from;
    this.top = b.top;
    this.duplicates = b.duplicates;
    this.presets = List.copyOf(b.presets);
    this.removes = List.copyOf(b.removes);
    this.keeps = List.copyOf(b.keeps);
    this.cpuLevel = b.cpuLevel;
    this.limits = b.limits;
    this.tempDir = b.tempDir;
    this.traces = List.copyOf(b.traces);
  }

  /**
   * Trace files ({@code ocisquash trace} JSON or raw strace logs) to report package usage from;
   * empty for none.
   */
  public List<Path> traces() {
    return traces;
  }

  /** The input limits, as for a squash (default {@link Limits#defaults()}). */
  public Limits limits() {
    return limits;
  }

  /** Where the temporary capture file goes; null for the system temporary directory. */
  public @Nullable Path tempDir() {
    return tempDir;
  }

  /**
   * A builder with the defaults: any image, squash from layer 0, top 20, no duplicate search, no
   * strip rules.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static AnalyzeOptions defaults() {
    return builder().build();
  }

  /** Which image of a multi-image archive to analyze. */
  public ImageSelector selector() {
    return selector;
  }

  /** The lowest layer a squash would merge (layers below are kept as they are). */
  public int from() {
    return from;
  }

  /** How many of the largest files and directories to list. */
  public int top() {
    return top;
  }

  /** Whether to hash final files to find duplicate content. */
  public boolean duplicates() {
    return duplicates;
  }

  /** Strip presets to estimate. */
  public List<String> presets() {
    return presets;
  }

  /** Extra removal globs to estimate. */
  public List<String> removes() {
    return removes;
  }

  /** Globs that strip rules must keep. */
  public List<String> keeps() {
    return keeps;
  }

  /** The CPU level for the simd-variants preset ({@code x86-64-v2} ..), or null when not given. */
  public @Nullable String cpuLevel() {
    return cpuLevel;
  }

  /** Builds {@link AnalyzeOptions}. */
  public static final class Builder {
    private ImageSelector selector = ImageSelector.any();
    private int from;
    private int top = 20;
    private boolean duplicates;
    private final List<String> presets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> keeps = new ArrayList<>();
    private Limits limits = Limits.defaults();
    private @Nullable Path tempDir;
    private @Nullable String cpuLevel;
    private final List<Path> traces = new ArrayList<>();

    private Builder() {}

    /** Sets the image selector. */
    public Builder selector(@Nullable ImageSelector v) {
      selector = v == null ? ImageSelector.any() : v;
      return this;
    }

    /** Sets the squash point: the lowest layer merged (0 = all). */
    public Builder from(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("from must be >= 0");
      }
      from = v;
      return this;
    }

    /** Sets how many largest files and directories are listed. */
    public Builder top(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("top must be >= 0");
      }
      top = v;
      return this;
    }

    /** Turns the duplicate-content search on or off. */
    public Builder duplicates(boolean v) {
      duplicates = v;
      return this;
    }

    /** Adds a strip preset to estimate. */
    public Builder preset(String name) {
      presets.add(name);
      return this;
    }

    /** Adds a removal glob to estimate. */
    public Builder remove(String glob) {
      removes.add(glob);
      return this;
    }

    /** Adds a glob that must be kept. */
    public Builder keep(String glob) {
      keeps.add(glob);
      return this;
    }

    /**
     * Sets the CPU level the simd-variants preset assumes ({@code x86-64-v1} .. {@code x86-64-v4}).
     */
    public Builder cpuLevel(@Nullable String v) {
      cpuLevel = v;
      return this;
    }

    /** Sets the input limits (default {@link Limits#defaults()}). */
    public Builder limits(Limits v) {
      limits = java.util.Objects.requireNonNull(v, "limits");
      return this;
    }

    /** Sets where the temporary capture file goes (null: the system temporary directory). */
    public Builder tempDir(@Nullable Path v) {
      tempDir = v;
      return this;
    }

    /**
     * Adds a trace file: every installed package is then reported as touched or not
     * (docs/trace.md).
     */
    public Builder trace(Path v) {
      traces.add(java.util.Objects.requireNonNull(v, "trace"));
      return this;
    }

    /** Builds the options. */
    public AnalyzeOptions build() {
      return new AnalyzeOptions(this);
    }
  }
}
