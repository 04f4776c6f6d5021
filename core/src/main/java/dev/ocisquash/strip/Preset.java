package dev.ocisquash.strip;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A named group of removal globs with the reason it is safe and the case where it is not. Globs
 * that name {@code <conda-root>} or {@code <site-packages>} are templates: they are expanded for
 * each such directory found in the tree. {@link #exceptions()} exempt paths from this preset only;
 * {@code --keep} globs exempt them from all rules. A preset expands itself against a tree when the
 * stripper plans: most expand their templates, some first look at what the image holds.
 */
public final class Preset {
  private final String name;
  private final @Nullable String group;
  private final boolean optIn;
  private final String reason;
  private final String unsafeWhen;
  private final List<String> globs;
  private final List<String> exceptions;
  private final PresetExpansion expansion;

  Preset(
      String name,
      @Nullable String group,
      boolean optIn,
      String reason,
      String unsafeWhen,
      List<String> globs,
      List<String> exceptions) {
    this(name, group, optIn, reason, unsafeWhen, globs, exceptions, PresetExpansions.TEMPLATES);
  }

  Preset(
      String name,
      @Nullable String group,
      boolean optIn,
      String reason,
      String unsafeWhen,
      List<String> globs,
      List<String> exceptions,
      PresetExpansion expansion) {
    this.name = name;
    this.group = group;
    this.optIn = optIn;
    this.reason = reason;
    this.unsafeWhen = unsafeWhen;
    this.globs = List.copyOf(globs);
    this.exceptions = List.copyOf(exceptions);
    this.expansion = expansion;
  }

  /** The preset's name, as given to {@code --preset}. */
  public String name() {
    return name;
  }

  /** The umbrella preset this one belongs to ({@code "safe"}), or null for an opt-in preset. */
  public @Nullable String group() {
    return group;
  }

  /** Whether the preset is only used when named explicitly (not part of {@code safe}). */
  public boolean optIn() {
    return optIn;
  }

  /** One line: why removing these paths does not change what the image does. */
  public String reason() {
    return reason;
  }

  /** One line: when it is not safe. */
  public String unsafeWhen() {
    return unsafeWhen;
  }

  /** The removal globs (templates included). */
  public List<String> globs() {
    return globs;
  }

  /** Paths exempt from this preset (templates included). */
  public List<String> exceptions() {
    return exceptions;
  }

  /** This preset's rule for the tree of {@code context}, named after the preset. */
  RuleSpec expand(ExpansionContext context) {
    RuleSpec spec = new RuleSpec(name);
    expansion.expand(this, context, spec);
    return spec;
  }

  @Override
  public String toString() {
    return name;
  }
}
