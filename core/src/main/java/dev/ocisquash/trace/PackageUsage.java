package dev.ocisquash.trace;

import dev.ocisquash.packages.Ecosystem;
import dev.ocisquash.packages.Installed;
import dev.ocisquash.packages.InstalledPackage;
import dev.ocisquash.packages.PackageRemoval;
import dev.ocisquash.packages.Refusal;
import dev.ocisquash.packages.RemovalPlan;
import dev.ocisquash.packages.RemovalRequest;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.StripReport;
import dev.ocisquash.strip.StripResult;
import dev.ocisquash.strip.StripRules;
import dev.ocisquash.strip.Stripper;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which installed packages a trace touched, and which of the others could go. Pure over a {@link
 * FileTree}.
 *
 * <p>A package is <em>touched</em> when the trace holds one of its files (a file it owns, or where
 * that path leads through symlinks; directories are shared and never count). The untouched ones are
 * then planned for removal by the package rules ({@link PackageRemoval#plan}), repeatedly: every
 * refusal (an essential package, one whose records a kept package owns, one that a kept package
 * depends on) keeps that package, and the plan is made again without it until nothing is refused.
 * So a package stays when it is touched, needed through dependencies by a kept package, or
 * protected; finally the strip's safety checks run on the paths that would go, and a package some
 * of whose files a check keeps (a shared library a kept binary loads) is kept by a safety check.
 */
public final class PackageUsage {
  /** Why a package stays; null for one that can go. */
  public enum Reason {
    TOUCHED,
    NEEDED,
    PROTECTED,
    SAFETY_CHECK
  }

  /**
   * One package.
   *
   * @param label how reports name it ({@code dpkg:gcc-12:amd64})
   * @param ecosystem its database
   * @param name its name
   * @param version its version
   * @param bytes the bytes of its files and records
   * @param touched whether the trace touched one of its files
   * @param reason why it stays, or null when it would be removed
   * @param detail one line: the touched file, the dependents, the check
   */
  public record Row(
      String label,
      String ecosystem,
      String name,
      String version,
      long bytes,
      boolean touched,
      @Nullable Reason reason,
      @Nullable String detail) {}

  /**
   * The outcome.
   *
   * @param rows every package, in database order
   * @param removable selectors naming exactly the packages that would go, for {@code
   *     --remove-package}
   * @param alternatives the {@code update-alternatives} links and records that go with them ({@link
   *     DpkgAlternatives})
   * @param savedBytes the bytes of the paths removing them would remove
   * @param tracedPaths the paths the trace held
   */
  public record Result(
      List<Row> rows,
      List<String> removable,
      List<String> alternatives,
      long savedBytes,
      int tracedPaths) {
    /** The packages that would go. */
    public long removableCount() {
      return rows.stream().filter(r -> r.reason() == null).count();
    }
  }

  private PackageUsage() {}

  /** Decides. */
  public static Result of(FileTree tree, Trace trace) throws IOException {
    Installed installed = Installed.read(tree);
    PathResolver resolver = new PathResolver(TraceRoot.of(tree));
    Map<String, Integer> listedBy = new HashMap<>();
    for (InstalledPackage p : installed.packages()) {
      p.files().forEach(f -> listedBy.merge(f, 1, Integer::sum));
    }
    Map<InstalledPackage, String> touched = new HashMap<>();
    Map<String, String> dirs = new HashMap<>();
    for (InstalledPackage p : installed.packages()) {
      String hit = touchedFile(p, trace.paths(), resolver, tree, listedBy, dirs);
      if (hit != null) {
        touched.put(p, hit);
      }
    }
    Map<InstalledPackage, Reason> reason = new HashMap<>();
    Map<InstalledPackage, String> detail = new HashMap<>();
    touched.forEach(
        (p, f) -> {
          reason.put(p, Reason.TOUCHED);
          detail.put(p, f);
        });
    List<InstalledPackage> candidates = new ArrayList<>();
    for (InstalledPackage p : installed.packages()) {
      if (!touched.containsKey(p)) {
        candidates.add(p);
      }
    }
    RemovalPlan plan = null;
    Map<String, String> keptBy = Map.of();
    Set<String> alternatives = Set.of();
    // each round keeps at least one more package, so there are at most as many rounds as packages
    for (int round = 0; round <= installed.packages().size() && !candidates.isEmpty(); round++) {
      plan = PackageRemoval.plan(tree, installed, new RemovalRequest(selectors(candidates), false));
      Set<InstalledPackage> keep = new HashSet<>();
      for (InstalledPackage r : plan.removed()) {
        if (!candidates.contains(r)) {
          // a selector also picked a kept package of the same name: keep every candidate of that
          // name
          for (InstalledPackage c : candidates) {
            if (c.ecosystem() == r.ecosystem() && c.name().equals(r.name())) {
              keep.add(c);
              reason.put(c, Reason.PROTECTED);
              detail.put(
                  c, "another " + r.ecosystem().prefix() + " package of the same name is kept");
            }
          }
        }
      }
      for (Refusal f : plan.refusals()) {
        keep.add(f.pkg());
        boolean needed = !f.dependents().isEmpty();
        reason.put(f.pkg(), needed ? Reason.NEEDED : Reason.PROTECTED);
        detail.put(f.pkg(), needed ? "needed by " + String.join(", ", f.dependents()) : f.reason());
      }
      if (keep.isEmpty()) {
        // Nothing refused: the strip's safety checks have the last word; a package they keep in
        // part stays.
        alternatives = DpkgAlternatives.cleanup(tree, plan.paths());
        keptBy = safetyChecks(tree, plan, selectors(candidates), alternatives);
        for (InstalledPackage p : plan.removed()) {
          for (String f : p.files()) {
            String why = keptBy.get(f);
            if (why != null) {
              keep.add(p);
              reason.put(p, Reason.SAFETY_CHECK);
              detail.put(p, f + ": " + why);
              break;
            }
          }
        }
      }
      if (keep.isEmpty()) {
        break;
      }
      candidates.removeAll(keep);
      plan = null;
    }
    long saved = 0;
    if (plan != null && !candidates.isEmpty()) {
      Set<String> gone = new TreeSet<>(plan.paths());
      gone.addAll(plan.databasePaths());
      gone.addAll(alternatives);
      gone.removeAll(keptBy.keySet());
      Set<Object> inodes = new HashSet<>();
      for (String g : gone) {
        TreeNode n = tree.get(g);
        if (n != null && n.isRegular() && (n.groupKey() == null || inodes.add(n.groupKey()))) {
          saved += n.size();
        }
      }
    } else {
      alternatives = Set.of();
    }
    List<Row> rows = new ArrayList<>();
    List<InstalledPackage> removable = new ArrayList<>();
    for (InstalledPackage p : installed.packages()) {
      Reason r = reason.get(p);
      if (r == null) {
        removable.add(p);
      }
      rows.add(
          new Row(
              p.label(),
              p.ecosystem().prefix(),
              p.name(),
              p.version(),
              p.bytes(),
              touched.containsKey(p),
              r,
              detail.get(p)));
    }
    return new Result(
        rows, selectors(removable), List.copyOf(alternatives), saved, trace.paths().size());
  }

  /**
   * A file of {@code p} the trace holds (as listed, or where it leads), or null. A symlink to a
   * directory counts only when this package alone lists it: {@code /bin -> usr/bin} and its like
   * are listed by dozens of packages and passed through by every lookup.
   */
  private static @Nullable String touchedFile(
      InstalledPackage p,
      Set<String> traced,
      PathResolver resolver,
      FileTree tree,
      Map<String, Integer> listedBy,
      Map<String, String> dirs)
      throws IOException {
    for (String f : p.files()) {
      int slash = f.lastIndexOf('/');
      String parent = slash <= 0 ? "/" : f.substring(0, slash);
      String dir = dirs.get(parent);
      if (dir == null && !dirs.containsKey(parent)) {
        dir = resolver.resolve(parent, new HashSet<>());
        dirs.put(parent, dir);
      }
      if (dir == null) {
        continue;
      }
      String real = (dir.equals("/") ? "" : dir) + f.substring(slash);
      TreeNode n = tree.get(real);
      if (n == null || n.isDirectory() || !traced.contains(real)) {
        continue;
      }
      if (n.isSymlink()) {
        // a symlink counts when a lookup went through it (the trace records those), not because its
        // target was
        // used; one to a directory only when this package alone lists it
        String target = resolver.resolve(real, new HashSet<>());
        TreeNode t = target == null ? null : tree.get(target);
        if (t != null && t.isDirectory() && listedBy.getOrDefault(f, 0) != 1) {
          continue;
        }
      }
      return real;
    }
    return null;
  }

  /**
   * Selectors naming exactly these packages: {@code dpkg:KEY} (name:arch), else {@code
   * ECOSYSTEM:NAME}.
   */
  static List<String> selectors(List<InstalledPackage> packages) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (InstalledPackage p : packages) {
      String n = p.ecosystem() == Ecosystem.DPKG ? p.key() : p.name();
      out.add(p.ecosystem().prefix() + ":" + escape(n));
    }
    return List.copyOf(out);
  }

  /** Escapes glob characters ({@code * ? [ ]}) so a name matches itself only. */
  static String escape(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('[').append(c).append(']');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** For each planned path a strip safety check keeps: the check's reason. */
  private static Map<String, String> safetyChecks(
      FileTree tree, RemovalPlan plan, List<String> selectors, Set<String> alternatives)
      throws IOException {
    // the same rules squash --remove-untouched-packages gives the strip
    StripRules.Builder rules = StripRules.builder();
    selectors.forEach(rules::removePackage);
    for (String p : alternatives) {
      rules.remove(globLiteral(p));
    }
    StripResult r = Stripper.plan(tree, rules.build());
    Map<String, String> kept = new LinkedHashMap<>();
    for (StripReport.Decision d : r.report().getDecisions()) {
      // the license keeps do not apply to a removed package: its license describes nothing that
      // ships
      if ("kept".equals(d.getAction())
          && !"license".equals(d.getCheck())
          && plan.paths().contains(d.getPath())) {
        kept.put(d.getPath(), d.getCheck() + ": " + d.getReason());
      }
    }
    return kept;
  }

  /**
   * A strip glob that matches exactly {@code path}: every glob character escaped with a backslash.
   */
  public static String globLiteral(String path) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if ("*?[]{}\\,!".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
