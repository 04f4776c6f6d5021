package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Debian and Ubuntu: {@code /var/lib/dpkg/status} holds one deb822 stanza per package ({@code
 * Package}, {@code Status}, {@code Version}, {@code Architecture}, {@code Depends}, {@code
 * Pre-Depends}, {@code Provides}, {@code Essential}, {@code Priority}, {@code Conffiles}); {@code
 * /var/lib/dpkg/info/<pkg>[:<arch>].list} lists each package's paths and the other {@code
 * info/<pkg>[:<arch>].*} files are its control files (md5sums, conffiles, maintainer scripts,
 * triggers, shlibs, symbols). The key is the info stem: {@code libssl3:amd64} for a {@code
 * Multi-Arch: same} package, {@code bash} otherwise. A stanza whose status is {@code not-installed}
 * is no package. Field syntax: deb-control(5), deb-status(5); dependency syntax: Debian Policy 7.1.
 */
final class DpkgReader {
  static final String STATUS = "/var/lib/dpkg/status";
  static final String INFO = "/var/lib/dpkg/info";

  private DpkgReader() {}

  static @Nullable List<InstalledPackage> read(FileTree tree) throws IOException {
    TreeNode status = TreeFiles.regular(tree, STATUS);
    if (status == null) {
      return null;
    }
    TreeMap<String, List<TreeNode>> infoFiles = new TreeMap<>();
    for (TreeNode n : tree.nodes()) {
      if (n.isRegular() && TreeFiles.parent(n.path()).equals(INFO)) {
        int dot = n.name().lastIndexOf('.');
        if (dot > 0) {
          infoFiles.computeIfAbsent(n.name().substring(0, dot), k -> new ArrayList<>()).add(n);
        }
      }
    }
    List<InstalledPackage> out = new ArrayList<>();
    for (Map<String, String> s :
        stanzas(new String(TreeFiles.bytes(tree, status), StandardCharsets.UTF_8))) {
      String name = s.get("package");
      if (name == null || !present(s)) {
        continue;
      }
      String arch = s.getOrDefault("architecture", "");
      String key = infoFiles.containsKey(name + ":" + arch) ? name + ":" + arch : name;
      if (!infoFiles.containsKey(key)) {
        // No Architecture field, or one the info directory does not use: the only qualified stem of
        // the name.
        String qualified = infoFiles.ceilingKey(name + ":");
        if (qualified != null
            && qualified.startsWith(name + ":")
            && !qualified.substring(name.length() + 1).contains(":")) {
          key = qualified;
        } else {
          key = name;
        }
      }
      Listing l = new Listing(tree);
      for (TreeNode info : infoFiles.getOrDefault(key, List.of())) {
        l.addDatabase(info);
        if (info.name().equals(key + ".list")) {
          try (BufferedReader r = TreeFiles.lines(tree, info)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
              if (line.startsWith("/") && !line.equals("/.")) {
                l.add(line);
              }
            }
          }
        }
      }
      // An empty line has no "/" word and adds nothing.
      for (String conf : s.getOrDefault("conffiles", "").split("\n", -1)) {
        String[] f = conf.trim().split("\\s+", -1);
        if (f[0].startsWith("/")) {
          l.add(f[0]);
        }
      }
      List<Dependency> deps = new ArrayList<>(dependencies(s.get("pre-depends")));
      deps.addAll(dependencies(s.get("depends")));
      List<String> provides = new ArrayList<>();
      for (Dependency d : dependencies(s.get("provides"))) {
        provides.addAll(d.anyOf());
      }
      String protection =
          "yes".equalsIgnoreCase(s.get("essential"))
              ? "Essential: yes"
              : "required".equalsIgnoreCase(s.get("priority")) ? "Priority: required" : null;
      out.add(
          l.build(
              Ecosystem.DPKG,
              name,
              s.getOrDefault("version", ""),
              key,
              "",
              deps,
              provides,
              protection));
    }
    return out;
  }

  /** Whether a stanza's files may be on the system: every state but {@code not-installed}. */
  static boolean present(Map<String, String> stanza) {
    String[] words = stanza.getOrDefault("status", "install ok installed").trim().split("\\s+", -1);
    return !words[words.length - 1].equals("not-installed");
  }

  /**
   * The stanzas of a deb822 file: field names lower-cased, continuation lines joined with newlines
   * (the first line of a multi-line field may be empty, as {@code Conffiles:} is). Blank lines
   * separate stanzas.
   */
  static List<Map<String, String>> stanzas(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> cur = new LinkedHashMap<>();
    String last = null;
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        if (!cur.isEmpty()) {
          out.add(cur);
          cur = new LinkedHashMap<>();
        }
        last = null;
      } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
        cur.merge(last, "\n" + line, String::concat);
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          last = line.substring(0, colon).toLowerCase(Locale.ROOT);
          cur.put(last, line.substring(colon + 1).trim());
        }
      }
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /**
   * A {@code Depends}-style field: comma-separated groups of {@code |}-separated alternatives, each
   * a name with an optional {@code :arch} qualifier, {@code (version)} and {@code [arch]} or {@code
   * <profile>} restrictions, all dropped.
   */
  static List<Dependency> dependencies(@Nullable String field) {
    List<Dependency> out = new ArrayList<>();
    if (field == null || field.isBlank()) {
      return out;
    }
    // An empty group or alternative ("a,,b", "a,") names nothing and is skipped.
    for (String group : field.split(",", -1)) {
      List<String> alts = new ArrayList<>();
      for (String alt : group.split("\\|", -1)) {
        String name = alt.trim().split("[\\s(\\[<]", 2)[0];
        int colon = name.indexOf(':');
        name = colon >= 0 ? name.substring(0, colon) : name;
        if (!name.isEmpty()) {
          alts.add(name);
        }
      }
      if (!alts.isEmpty()) {
        out.add(new Dependency(alts));
      }
    }
    return out;
  }
}
