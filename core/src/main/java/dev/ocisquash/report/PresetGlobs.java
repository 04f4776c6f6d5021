package dev.ocisquash.report;

import dev.ocisquash.squash.FlattenedImage;
import dev.ocisquash.strip.Preset;
import dev.ocisquash.strip.Presets;
import dev.ocisquash.strip.RuleMatcher;
import dev.ocisquash.strip.TreePaths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which glob of a preset (or of a {@code remove:GLOB} rule) matches a path, and where. The strip
 * engine records only the rule that removed a path; the report splits a preset's bytes by glob (apt
 * archives apart from apt lists) and shows where each glob matched. Templates ({@code
 * <conda-root>/pkgs}) are expanded for the tree's conda roots as the engine expands them; globs a
 * preset only describes in words (simd-variants) match nothing here.
 */
final class PresetGlobs {
  /**
   * A match.
   *
   * @param glob the glob as the preset spells it
   * @param place the highest ancestor of the path (or the path) that the glob matches, e.g. {@code
   *     /usr/share/doc}
   */
  record Match(String glob, String place) {}

  private final List<FlattenedImage.Entry> tree;
  private final Map<String, RuleMatcher> matchers = new HashMap<>();
  private final Map<String, List<String>> spelled = new HashMap<>();
  private @Nullable List<String> condaRoots;

  PresetGlobs(List<FlattenedImage.Entry> tree) {
    this.tree = tree;
  }

  /**
   * The first glob of {@code rule} that matches {@code path} (absolute) or an ancestor, or null.
   */
  @Nullable Match match(String rule, String path) {
    if (!matchers.containsKey(rule)) {
      List<String> names = new ArrayList<>();
      List<String> globs = new ArrayList<>();
      List<Integer> tags = new ArrayList<>();
      Preset p = Presets.byName(rule);
      List<String> all =
          rule.startsWith("remove:")
              ? List.of(rule.substring(7))
              : p == null ? List.of() : p.globs();
      for (String g : all) {
        int before = globs.size();
        add(globs, tags, g, names.size());
        if (globs.size() > before) {
          names.add(g);
        }
      }
      matchers.put(rule, globs.isEmpty() ? null : RuleMatcher.compile(globs, tags));
      spelled.put(rule, names);
    }
    RuleMatcher m = matchers.get(rule);
    if (m == null) {
      return null;
    }
    int first = m.matchAll(path).nextSetBit(0);
    if (first < 0) {
      return null;
    }
    List<String> names = Objects.requireNonNull(spelled.get(rule), rule);
    return new Match(names.get(first), place(m, path, first));
  }

  /**
   * A matcher of a preset's globs (tag 0) and its exceptions (tag 1), or null when it has no glob
   * to match.
   */
  @Nullable RuleMatcher compile(Preset p) {
    List<String> globs = new ArrayList<>();
    List<Integer> tags = new ArrayList<>();
    p.globs().forEach(g -> add(globs, tags, g, 0));
    p.exceptions().forEach(g -> add(globs, tags, g, 1));
    return globs.isEmpty() ? null : RuleMatcher.compile(globs, tags);
  }

  /**
   * The highest ancestor of {@code path} (or the path itself) that a glob tagged {@code tag}
   * matches.
   */
  static String place(RuleMatcher m, String path, int tag) {
    RuleMatcher.State st = m.start();
    int i = 1;
    while (i <= path.length()) {
      int j = path.indexOf('/', i);
      if (j < 0) {
        j = path.length();
      }
      st = m.step(st, path.substring(i, j));
      for (int t : m.accepts(st)) {
        if (t == tag) {
          return path.substring(0, j);
        }
      }
      if (st.isDead()) {
        break;
      }
      i = j + 1;
    }
    return path;
  }

  /** Adds a preset glob, a template expanded for each conda root as the strip engine does. */
  private void add(List<String> globs, List<Integer> tags, String glob, int tag) {
    List<String> expanded = new ArrayList<>();
    if (glob.startsWith(Presets.CONDA_ROOT)) {
      for (String r : condaRoots()) {
        expanded.add(TreePaths.escape(r) + glob.substring(Presets.CONDA_ROOT.length()));
      }
    } else {
      expanded.add(glob);
    }
    for (String g : expanded) {
      try {
        RuleMatcher.compile(List.of(g));
      } catch (IllegalArgumentException e) {
        continue; // described in words, not a glob (simd-variants): its paths fall back to the
        // preset's own row
      }
      globs.add(g);
      tags.add(tag);
    }
  }

  /** Directories that hold conda-meta/, as absolute paths. */
  private List<String> condaRoots() {
    List<String> roots = condaRoots;
    if (roots == null) {
      roots = new ArrayList<>();
      for (FlattenedImage.Entry e : tree) {
        String p = e.path();
        if (e.isDirectory() && (p.equals("conda-meta") || p.endsWith("/conda-meta"))) {
          roots.add("/" + p.substring(0, p.length() - "conda-meta".length()).replaceAll("/$", ""));
        }
      }
      condaRoots = roots;
    }
    return roots;
  }
}
