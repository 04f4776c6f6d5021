package dev.ocisquash.report;

import dev.ocisquash.squash.FlattenedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Recognises well-known kinds of bulk by path. Categories are tried in {@link #CATEGORIES} order. */
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

  private static final Pattern POLARS = Pattern.compile("_?polars[-_]runtime.*|polars[-_]lts[-_]cpu.*");

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
        return "Python bytecode caches (__pycache__, *.pyc)";
      case "tests":
        return "test directories (tests/, test/)";
      case "polars-runtime":
        return "polars runtime variants (_polars_runtime_*)";
      case "cross-toolchain":
        return "conda cross toolchain (*-conda-linux-gnu)";
      case "conda-pkgs":
        return "conda package cache (pkgs/)";
      case "bundled-jdk":
        return "bundled JDK/JRE (*/jre, */lib/modules)";
      case "apt-lists":
        return "apt package lists (var/lib/apt/lists)";
      case "docs":
        return "documentation (usr/share/doc, man, info)";
      default:
        return category;
    }
  }

  /** The root path through which {@code path} (a file) belongs to {@code category}, or null. */
  String matchRoot(String path, String category) {
    String[] segs = path.split("/");
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
          if (POLARS.matcher(segs[i]).matches()) {
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
        if (path.startsWith("usr/share/doc/") || path.startsWith("usr/share/man/")
            || path.startsWith("usr/share/info/")) {
          return prefix(segs, 2);
        }
        return null;
      default:
        return null;
    }
  }

  /** The first category in {@link #CATEGORIES} order that {@code path} falls in, or null. */
  String categoryOf(String path) {
    for (String c : CATEGORIES) {
      if (matchRoot(path, c) != null) {
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
