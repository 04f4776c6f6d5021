package dev.ocisquash.strip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What to strip: presets, {@code --remove} and {@code --keep} globs, the CPU level for
 * simd-variants, and whether the safety checks run. Immutable; build with {@link #builder()} or
 * read with {@link #fromJson(Path)}.
 */
public final class StripRules {
  private final List<String> presets;
  private final List<String> removes;
  private final List<String> keeps;
  private final List<String> removePackages;
  private final int cpuLevel;
  private final boolean force;
  private final boolean keepLicenses;

  private StripRules(Builder b) {
    this.presets = List.copyOf(b.presets);
    this.removes = List.copyOf(b.removes);
    this.keeps = List.copyOf(b.keeps);
    this.removePackages = List.copyOf(b.removePackages);
    this.cpuLevel = b.cpuLevel;
    this.force = b.force;
    this.keepLicenses = b.keepLicenses;
  }

  /** A new builder with nothing selected. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads rules for CI from a JSON file: {@code {"presets": [..], "removes": [..], "keeps": [..],
   * "removePackages": [..], "cpuLevel": "x86-64-v3", "force": false, "keepLicenses": true}}; every
   * field is optional, unknown fields are refused.
   *
   * @throws ImageException with a one-line message when the file cannot be read, is not valid JSON,
   *     or names an unknown preset, field or CPU level, or holds a malformed glob
   */
  public static StripRules fromJson(Path file) throws ImageException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT, file + ": cannot read rules file: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = Json.parse(bytes);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "invalid JSON" : e.getMessage().split("\n", 2)[0];
      throw new ImageException(Kind.INVALID_ARGUMENT, file + ": not valid JSON: " + msg, e);
    }
    if (!root.isObject()) {
      throw new ImageException(Kind.INVALID_ARGUMENT, file + ": rules must be a JSON object");
    }
    Builder b = builder();
    try {
      Iterator<String> names = root.fieldNames();
      while (names.hasNext()) {
        String f = names.next();
        JsonNode v = root.get(f);
        switch (f) {
          case "presets":
            for (String s : strings(v, f)) {
              b.preset(s);
            }
            break;
          case "removes":
            for (String s : strings(v, f)) {
              b.remove(s);
            }
            break;
          case "keeps":
            for (String s : strings(v, f)) {
              b.keep(s);
            }
            break;
          case "removePackages":
            for (String s : strings(v, f)) {
              b.removePackage(s);
            }
            break;
          case "cpuLevel":
            if (!v.isTextual()) {
              throw new IllegalArgumentException(
                  "'cpuLevel' must be a string such as \"x86-64-v3\"");
            }
            b.cpuLevel(v.asText());
            break;
          case "force":
          case "keepLicenses":
            if (!v.isBoolean()) {
              throw new IllegalArgumentException("'" + f + "' must be true or false");
            }
            if (f.equals("force")) {
              b.force(v.asBoolean());
            } else {
              b.keepLicenses(v.asBoolean());
            }
            break;
          default:
            throw new IllegalArgumentException(
                "unknown field '"
                    + f
                    + "' (known: presets, removes, keeps, removePackages, cpuLevel, force, "
                    + "keepLicenses)");
        }
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ImageException(Kind.INVALID_ARGUMENT, file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> strings(JsonNode v, String field) {
    if (!v.isArray()) {
      throw new IllegalArgumentException("'" + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new IllegalArgumentException(
            "'" + field + "' must be an array of strings, found " + e);
      }
      out.add(e.asText());
    }
    return out;
  }

  /** Selected preset names as given ({@code safe} not expanded). */
  public List<String> presets() {
    return presets;
  }

  /** The presets that will run, in priority order, with {@code safe} expanded. */
  public List<Preset> activePresets() {
    Set<String> want = new LinkedHashSet<>(presets);
    List<Preset> out = new ArrayList<>();
    for (Preset p : Presets.all()) {
      if (want.contains(p.name())
          || (Presets.SAFE.equals(p.group()) && want.contains(Presets.SAFE))) {
        out.add(p);
      }
    }
    return out;
  }

  /** {@code --remove} globs in the order given. */
  public List<String> removes() {
    return removes;
  }

  /** {@code --keep} globs; a path they match (or a path below one) is never removed. */
  public List<String> keeps() {
    return keeps;
  }

  /**
   * {@code --remove-package} selectors in the order given: {@code
   * [dpkg:|apk:|conda:|pip:|npm:]NAME}, NAME a glob (see {@link
   * dev.ocisquash.packages.RemovalRequest}).
   */
  public List<String> removePackages() {
    return removePackages;
  }

  /** The x86-64 micro-architecture level 1..4, or 0 when not given. */
  public int cpuLevel() {
    return cpuLevel;
  }

  /** Whether the safety checks are off. */
  public boolean force() {
    return force;
  }

  /** Whether license files are kept everywhere (default true). */
  public boolean keepLicenses() {
    return keepLicenses;
  }

  /** Whether nothing would be removed. */
  public boolean isEmpty() {
    return presets.isEmpty() && removes.isEmpty() && removePackages.isEmpty();
  }

  /**
   * Builder for {@link StripRules}. Methods throw {@link IllegalArgumentException} on bad input.
   */
  public static final class Builder {
    private final List<String> presets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> keeps = new ArrayList<>();
    private final List<String> removePackages = new ArrayList<>();
    private int cpuLevel;
    private boolean force;
    private boolean keepLicenses = true;

    private Builder() {}

    /** Selects a preset ({@code safe} or one of {@link Presets#all()}). */
    public Builder preset(String name) {
      if (!Presets.names().contains(name)) {
        throw new IllegalArgumentException(
            "unknown preset '" + name + "' (known: " + String.join(", ", Presets.names()) + ")");
      }
      if (!presets.contains(name)) {
        presets.add(name);
      }
      return this;
    }

    /** Adds a removal glob. */
    public Builder remove(String glob) {
      Glob.parse(glob);
      removes.add(glob);
      return this;
    }

    /** Adds a keep glob; keep always wins over every removal. */
    public Builder keep(String glob) {
      Glob.parse(glob);
      keeps.add(glob);
      return this;
    }

    /**
     * Adds a package selector ({@code --remove-package}); the name after the optional prefix must
     * not be empty.
     */
    public Builder removePackage(String selector) {
      String name = selector == null ? "" : selector.substring(selector.indexOf(':') + 1);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("--remove-package '" + selector + "' names no package");
      }
      removePackages.add(selector);
      return this;
    }

    /**
     * Sets the CPU level for simd-variants: {@code x86-64-v1} .. {@code x86-64-v4} (or {@code v1}
     * .. {@code v4}).
     */
    public Builder cpuLevel(String level) {
      String l = level == null ? "" : level.trim();
      if (l.startsWith("x86-64-")) {
        l = l.substring("x86-64-".length());
      }
      if (l.length() != 2 || l.charAt(0) != 'v' || l.charAt(1) < '1' || l.charAt(1) > '4') {
        throw new IllegalArgumentException(
            "unknown CPU level '"
                + level
                + "' (known: x86-64-v1, x86-64-v2, x86-64-v3, x86-64-v4)");
      }
      cpuLevel = l.charAt(1) - '0';
      return this;
    }

    /** Turns all safety checks off. */
    public Builder force(boolean v) {
      force = v;
      return this;
    }

    /** Whether license files are kept everywhere (default true). */
    public Builder keepLicenses(boolean v) {
      keepLicenses = v;
      return this;
    }

    /**
     * Builds the rules.
     *
     * @throws IllegalArgumentException when simd-variants is selected without a CPU level
     */
    public StripRules build() {
      if (presets.contains("simd-variants") && cpuLevel == 0) {
        throw new IllegalArgumentException(
            "preset 'simd-variants' needs a CPU level (--cpu-level x86-64-vN)");
      }
      return new StripRules(this);
    }
  }
}
