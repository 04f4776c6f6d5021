package dev.ocisquash.report;

import dev.ocisquash.squash.FlattenedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Recognises well-known kinds of bulk by path, for the rows no preset removes, and says in words
 * what the strip presets' globs match. Categories are tried in {@link #CATEGORIES} order.
 */
final class KnownBulk {
  /** Category ids, most specific first; the first that matches a file colours it. */
  static final List<String> CATEGORIES =
      List.of(
          "jdk-src-zip",
          "pycache",
          "tests",
          "polars-runtime",
          "cross-toolchain",
          "conda-pkgs",
          "bundled-jdk",
          "apt-lists",
          "docs");

  private static final Pattern POLARS =
      Pattern.compile("_?polars[-_]runtime.*|polars[-_]lts[-_]cpu.*");

  private final Set<String> dirs = new HashSet<>();
  private final Set<String> jdkHomes = new HashSet<>();

  KnownBulk(List<FlattenedImage.Entry> tree) {
    for (FlattenedImage.Entry e : tree) {
      String p = e.path();
      if (e.isDirectory()) {
        dirs.add(p);
      }
      if (p.endsWith("/lib/modules") && e.isRegular()) {
        jdkHomes.add(p.substring(0, p.length() - "/lib/modules".length()));
      } else if (p.equals("lib/modules") && e.isRegular()) {
        jdkHomes.add("");
      }
    }
  }

  static String describe(String category) {
    switch (category) {
      case "jdk-src-zip":
        return "JDK source archive (src.zip)";
      case "pycache":
        return "Python bytecode caches";
      case "tests":
        return "test directories";
      case "polars-runtime":
        return "polars runtime variants";
      case "cross-toolchain":
        return "conda cross toolchain";
      case "conda-pkgs":
        return "conda package cache";
      case "bundled-jdk":
        return "JDK/JRE runtime";
      case "apt-lists":
        return "apt package lists";
      case "docs":
        return "documentation";
      default:
        return category;
    }
  }

  /**
   * What the files a preset glob matches are, in a few words; null for a glob not described here.
   */
  static @Nullable String describeGlob(String glob) {
    if (glob.endsWith("/jmods")) {
      return "JDK jmods (read by jlink only)";
    }
    switch (glob) {
      case "/var/lib/apt/lists/*":
        return "apt package lists";
      case "/var/cache/apt/*.bin":
        return "apt package cache index";
      case "/var/cache/apt/archives/*.deb":
        return "downloaded .deb packages";
      case "/var/cache/apk/*":
        return "apk package cache";
      case "/var/cache/{dnf,yum}":
        return "dnf/yum package cache";
      case "**/.cache/pip":
        return "pip download cache";
      case "**/.npm/_cacache":
        return "npm cache";
      case "**/.cache/yarn":
      case "/usr/local/share/.cache/yarn":
        return "yarn cache";
      case "**/.cache/go-build":
        return "Go build cache";
      case "<conda-root>/pkgs":
        return "conda package cache";
      case "**/share/doc":
        return "package documentation";
      case "**/share/man":
        return "man pages";
      case "**/share/info":
        return "info pages";
      case "**/share/gtk-doc":
        return "GTK API documentation";
      case "<conda-root>/include":
      case "/usr/include":
      case "/usr/local/include":
        return "C/C++ headers";
      case "<conda-root>/*-conda-linux-gnu":
        return "conda cross-compiler sysroot";
      case "**/lib/src.zip":
        return "JDK source archive";
      case "**/__pycache__":
        return "Python bytecode caches";
      case "**/*.pyc":
        return "Python bytecode files";
      case "**/site-packages/*/tests":
      case "**/site-packages/*/test":
        return "test suites inside Python packages";
      case "**/*.a":
        return "static libraries";
      case "**/*.la":
        return "libtool archives";
      case "**/share/locale/*":
        return "translations (non-English)";
      default:
        return null;
    }
  }

  /** The root path through which {@code path} (a file) belongs to {@code category}, or null. */
  @Nullable String matchRoot(String path, String category) {
    return matchRoot(path, path.split("/", -1), category);
  }

  /** {@link #matchRoot(String, String)} given the path split at every {@code /}. */
  private @Nullable String matchRoot(String path, String[] segs, String category) {
    // A file's normalised path has no empty component, so segs[last] is its name.
    int last = segs.length - 1;
    switch (category) {
      case "jdk-src-zip":
        return segs[last].equals("src.zip") ? path : null;
      case "pycache":
        for (int i = 0; i < last; i++) {
          if (segs[i].equals("__pycache__")) {
            return prefix(segs, i);
          }
        }
        return segs[last].endsWith(".pyc") ? path : null;
      case "tests":
        for (int i = 1; i < last; i++) {
          if (segs[i].equals("tests") || segs[i].equals("test")) {
            return prefix(segs, i);
          }
        }
        return null;
      case "polars-runtime":
        for (int i = 0; i < last; i++) {
          // Both forms contain "polars": a test that spares the regex almost every segment.
          if (segs[i].contains("polars") && POLARS.matcher(segs[i]).matches()) {
            return prefix(segs, i);
          }
        }
        return null;
      case "cross-toolchain":
        for (int i = 0; i < last; i++) {
          if (segs[i].endsWith("-conda-linux-gnu")) {
            return prefix(segs, i);
          }
        }
        return null;
      case "conda-pkgs":
        for (int i = 0; i < last; i++) {
          if (segs[i].equals("pkgs")) {
            String parent = i == 0 ? "" : prefix(segs, i - 1);
            if (dirs.contains(parent.isEmpty() ? "conda-meta" : parent + "/conda-meta")) {
              return prefix(segs, i);
            }
          }
        }
        return null;
      case "bundled-jdk":
        for (int i = 0; i < last; i++) {
          String pre = prefix(segs, i);
          if (segs[i].equals("jre") || jdkHomes.contains(pre)) {
            return pre;
          }
        }
        return null;
      case "apt-lists":
        return path.startsWith("var/lib/apt/lists/") ? "var/lib/apt/lists" : null;
      case "docs":
        if (path.startsWith("usr/share/doc/")
            || path.startsWith("usr/share/man/")
            || path.startsWith("usr/share/info/")) {
          return prefix(segs, 2);
        }
        return null;
      default:
        return null;
    }
  }

  /** The first category in {@link #CATEGORIES} order that {@code path} falls in, or null. */
  @Nullable String categoryOf(String path) {
    String[] segs = path.split("/", -1); // once for every category
    for (String c : CATEGORIES) {
      if (matchRoot(path, segs, c) != null) {
        return c;
      }
    }
    return null;
  }

  private static String prefix(String[] segs, int upTo) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= upTo; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(segs[i]);
    }
    return sb.toString();
  }
}
