package dev.ocisquash.layering;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A group of files that change together: a package, a big file, or one of the two catch-all groups.
 * Identified by its source and a name that stays the same across releases (a package name, never a
 * version), so that the same group lands in the same layer in the next release.
 *
 * @param source what claimed the files
 * @param name the package name, package directory or file path; empty for the catch-all groups
 */
public record Component(Source source, String name) implements Comparable<Component> {
  /** Files no database claims and that are not big: the application's own files, mostly. */
  public static final Component UNCLAIMED = new Component(Source.UNCLAIMED, "");

  /**
   * Files every package change rewrites (dpkg status, logs, caches, ld.so.cache): kept apart, in
   * the top layer.
   */
  public static final Component METADATA = new Component(Source.METADATA, "");

  /** Where a group comes from; the prefix of its {@link #id()}. */
  public enum Source {
    /** A Debian package, from {@code /var/lib/dpkg}. */
    DEB("deb"),
    /** An Alpine package, from {@code /lib/apk/db/installed}. */
    APK("apk"),
    /** A conda package, from {@code conda-meta/*.json}. */
    CONDA("conda"),
    /**
     * A Python distribution, from {@code *.dist-info/RECORD} or {@code
     * *.egg-info/installed-files.txt}.
     */
    PYTHON("pypi"),
    /** An npm package directory under {@code node_modules}. */
    NPM("npm"),
    /** One unclaimed file over the big-file threshold (with its hardlink partners). */
    BIG_FILE("file"),
    /** See {@link Component#UNCLAIMED}. */
    UNCLAIMED("unclaimed"),
    /** See {@link Component#METADATA}. */
    METADATA("metadata");

    private final String prefix;

    Source(String prefix) {
      this.prefix = prefix;
    }

    /** The id prefix, e.g. {@code deb}. */
    public String prefix() {
      return prefix;
    }
  }

  /** Validates the fields. */
  public Component {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
  }

  /** A named group of the given source. */
  public static Component of(Source source, String name) {
    return new Component(source, name);
  }

  /**
   * The stable identifier, {@code source:name} (e.g. {@code deb:libssl3}), or the source alone for
   * catch-alls.
   */
  public String id() {
    return name.isEmpty() ? source.prefix() : source.prefix() + ":" + name;
  }

  /** Parses an {@link #id()} back; null when the prefix is unknown. */
  public static @Nullable Component parse(String id) {
    int colon = id.indexOf(':');
    String prefix = colon < 0 ? id : id.substring(0, colon);
    for (Source s : Source.values()) {
      if (s.prefix().equals(prefix)) {
        return new Component(s, colon < 0 ? "" : id.substring(colon + 1));
      }
    }
    return null;
  }

  /** Whether this is one of the two catch-all groups rather than a package or a big file. */
  public boolean isCatchAll() {
    return source == Source.UNCLAIMED || source == Source.METADATA;
  }

  /**
   * Orders by {@link #id()}, without building the ids (the grouping sorts thousands, and the
   * packing's map compares a group at every lookup): within one source the names decide; across
   * sources the prefixes, none of which begins another ({@code ComponentTest} checks it), so that
   * the first difference of the ids lies in them.
   */
  @Override
  public int compareTo(Component o) {
    if (source == o.source) {
      return name.compareTo(o.name);
    }
    return source.prefix().compareTo(o.source.prefix());
  }

  @Override
  public String toString() {
    return id();
  }
}
