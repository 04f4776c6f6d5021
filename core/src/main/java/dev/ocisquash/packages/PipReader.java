package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Python distributions: {@code <site>/<name>-<version>.dist-info/} ({@code METADATA}: {@code Name},
 * {@code Version}, {@code Requires-Dist}; {@code RECORD}: CSV of paths relative to the site
 * directory) and the older {@code <name>-<version>.egg-info/} ({@code PKG-INFO}, {@code
 * requires.txt}, {@code installed-files.txt} relative to the egg-info directory). Works for {@code
 * site-packages} and Debian's {@code dist-packages} alike; Debian's packages ship no {@code
 * RECORD}, so such a distribution owns only its metadata and dpkg owns its files. The name is
 * normalised (PEP 503). Formats: the PyPA core metadata and recording-installed-packages
 * specifications.
 */
final class PipReader {
  private PipReader() {}

  static @Nullable List<InstalledPackage> read(FileTree tree) throws IOException {
    Map<String, List<TreeNode>> metaDirs = new LinkedHashMap<>();
    for (TreeNode n : tree.nodes()) {
      if (n.isDirectory() && (n.name().endsWith(".dist-info") || n.name().endsWith(".egg-info"))) {
        metaDirs.put(n.path(), new ArrayList<>(List.of(n)));
        continue;
      }
      String p = n.path();
      for (int depth = 0; depth < 3 && !p.equals("/"); depth++) {
        p = TreeFiles.parent(p);
        List<TreeNode> in = metaDirs.get(p);
        if (in != null) {
          in.add(n);
          break;
        }
      }
    }
    if (metaDirs.isEmpty()) {
      return null;
    }
    List<InstalledPackage> out = new ArrayList<>();
    for (Map.Entry<String, List<TreeNode>> e : metaDirs.entrySet()) {
      out.add(distribution(tree, e.getKey(), e.getValue()));
    }
    return out;
  }

  private static InstalledPackage distribution(FileTree tree, String dir, List<TreeNode> own)
      throws IOException {
    boolean dist = dir.endsWith(".dist-info");
    String site = TreeFiles.parent(dir);
    Listing l = new Listing(tree);
    String name = null;
    String version = "";
    List<Dependency> depends = new ArrayList<>();
    for (TreeNode n : own) {
      l.addDatabase(n);
      if (!n.isRegular() || !TreeFiles.parent(n.path()).equals(dir)) {
        continue;
      }
      switch (n.name()) {
        case "METADATA", "PKG-INFO" -> {
          try (BufferedReader r = TreeFiles.lines(tree, n)) {
            for (String line = r.readLine(); line != null && !line.isEmpty(); line = r.readLine()) {
              if (line.startsWith("Name:")) {
                name = line.substring(5).trim();
              } else if (line.startsWith("Version:")) {
                version = line.substring(8).trim();
              } else if (line.startsWith("Requires-Dist:")) {
                String req = requirement(line.substring(14));
                if (req != null) {
                  depends.add(Dependency.on(req));
                }
              }
            }
          }
        }
        case "requires.txt" -> {
          try (BufferedReader r = TreeFiles.lines(tree, n)) {
            for (String line = r.readLine();
                line != null && !line.startsWith("[");
                line = r.readLine()) {
              String req = requirement(line);
              if (req != null) {
                depends.add(Dependency.on(req));
              }
            }
          }
        }
        case "RECORD", "installed-files.txt" -> {
          boolean csv = n.name().equals("RECORD");
          try (BufferedReader r = TreeFiles.lines(tree, n)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
              String rel = csv ? firstCsvField(line) : line.trim();
              if (!rel.isEmpty()) {
                l.add(TreeFiles.resolve(csv ? site : dir, rel));
              }
            }
          }
        }
        default -> {}
      }
    }
    String stem = dir.substring(dir.lastIndexOf('/') + 1, dir.length() - (dist ? 10 : 9));
    String project = normalise(name != null ? name : stem.split("-", 2)[0]);
    return l.build(Ecosystem.PIP, project, version, dir, site, depends, List.of(), null);
  }

  /**
   * The normalised project a requirement names, or null for a blank line or one that only an extra
   * needs.
   */
  static @Nullable String requirement(String spec) {
    String s = spec.trim();
    int semi = s.indexOf(';');
    if (semi >= 0 && s.substring(semi).replace(" ", "").matches(".*\\bextra(==|!=|\\bin\\b).*")) {
      return null;
    }
    String name = s.split("[^A-Za-z0-9._-]", 2)[0];
    return name.isEmpty() ? null : normalise(name);
  }

  /** PEP 503: lower case, runs of {@code -_.} as one {@code -}. */
  static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
  }

  /** The first field of a RECORD line; a quoted field may hold commas and doubled quotes. */
  static String firstCsvField(String line) {
    if (!line.startsWith("\"")) {
      int comma = line.indexOf(',');
      return comma < 0 ? line : line.substring(0, comma);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else {
          break;
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
