package dev.ocisquash.packages;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Plans the removal of packages by name. Pure: reads the tree only through {@link FileTree#open}.
 *
 * <p>Order of work: (1) each selector picks packages (none picked, or an ecosystem the image has no
 * database for, is an error); an npm package takes the packages nested in its {@code node_modules}
 * along; (2) refusals: an essential package (dpkg {@code Essential: yes} or {@code Priority:
 * required}), one whose records another kept package owns (Debian's {@code python3-*} dist-info
 * belongs to dpkg), and, unless forced, one that a kept package depends on ({@link Dependents});
 * (3) paths: the packages' files that no kept package lists, the directories only they list that
 * nothing else keeps full (for pip and conda, whose records list files only, the directories below
 * the site or prefix that hold their files), the links and records of the dpkg alternatives whose
 * every choice goes ({@link DpkgAlternatives}), and their database records; (4) the database files
 * that stay are rewritten without them ({@link DatabaseRewrites}). {@link #settle} then drops,
 * after the strip's safety checks, the database changes of the packages a check kept in part: their
 * entries stay, as Debian's {@code path-exclude} leaves them.
 */
public final class PackageRemoval {
  private PackageRemoval() {}

  /**
   * Plans the removal.
   *
   * @throws ImageException one line when a selector is malformed, matches no package, or names an
   *     ecosystem whose database the image lacks
   * @throws IOException when a database file cannot be read
   */
  public static RemovalPlan plan(FileTree tree, Installed installed, RemovalRequest request)
      throws IOException {
    Set<InstalledPackage> selected = new LinkedHashSet<>();
    for (PackageSelector s : PackageSelector.parseAll(request.selectors())) {
      if (s.ecosystem() != null && !installed.databases().contains(s.ecosystem())) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            "--remove-package "
                + s.text()
                + ": the image has no "
                + s.ecosystem().prefix()
                + " database");
      }
      if (installed.databases().isEmpty()) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            "--remove-package " + s.text() + ": the image has no package database");
      }
      boolean any = false;
      for (InstalledPackage p : installed.packages()) {
        if (s.matches(p)) {
          selected.add(p);
          any = true;
        }
      }
      if (!any) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            "--remove-package "
                + s.text()
                + ": no installed package matches (databases: "
                + databaseNames(installed)
                + ")");
      }
    }
    for (InstalledPackage p : installed.of(Ecosystem.NPM)) {
      for (InstalledPackage s : List.copyOf(selected)) {
        if (s.ecosystem() == Ecosystem.NPM && p.key().startsWith(s.key() + "/node_modules/")) {
          selected.add(p);
        }
      }
    }
    List<InstalledPackage> ordered = new ArrayList<>();
    for (InstalledPackage p : installed.packages()) {
      if (selected.contains(p)) {
        ordered.add(p);
      }
    }
    List<InstalledPackage> kept = new ArrayList<>(installed.packages());
    kept.removeAll(selected);
    Map<String, InstalledPackage> keptOwner = new HashMap<>();
    for (InstalledPackage k : kept) {
      for (List<String> paths : List.of(k.files(), k.directories(), k.databaseFiles())) {
        for (String path : paths) {
          keptOwner.putIfAbsent(path, k);
        }
      }
    }
    List<Refusal> refusals = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<InstalledPackage, List<String>> dependents = Dependents.of(installed.packages(), selected);
    for (InstalledPackage p : ordered) {
      InstalledPackage recordOwner = recordOwner(p, keptOwner);
      List<String> needs = dependents.getOrDefault(p, List.of());
      if (p.essential()) {
        refusals.add(new Refusal(p, "it is essential (" + p.protection() + ")", List.of()));
      } else if (recordOwner != null) {
        refusals.add(
            new Refusal(
                p,
                "its records belong to " + recordOwner.label() + "; remove that instead",
                List.of()));
      } else if (!needs.isEmpty() && !request.force()) {
        refusals.add(new Refusal(p, "kept packages depend on it", needs));
      } else if (!needs.isEmpty()) {
        warnings.add(
            p.label()
                + ": removed with --force although kept packages depend on it: "
                + String.join(", ", needs));
      }
    }
    TreeSet<String> paths = new TreeSet<>();
    TreeSet<String> databasePaths = new TreeSet<>();
    TreeSet<String> dirs = new TreeSet<>();
    for (InstalledPackage p : ordered) {
      for (String f : p.files()) {
        if (!keptOwner.containsKey(f)) {
          paths.add(f);
        }
      }
      for (String f : p.databaseFiles()) {
        if (!keptOwner.containsKey(f)) {
          databasePaths.add(f);
        }
      }
      for (String d : p.directories()) {
        if (!keptOwner.containsKey(d)) {
          dirs.add(d);
        }
      }
      if (p.ecosystem() == Ecosystem.PIP || p.ecosystem() == Ecosystem.CONDA) {
        // Their records list files only: the directories below the site or prefix that hold them
        // may go too.
        for (String f : p.files()) {
          for (String d = TreeFiles.parent(f);
              d.startsWith(p.scope() + "/");
              d = TreeFiles.parent(d)) {
            if (!keptOwner.containsKey(d)) {
              dirs.add(d);
            }
          }
        }
      }
    }
    paths.addAll(emptied(tree, dirs, paths));
    if (ordered.stream().anyMatch(p -> p.ecosystem() == Ecosystem.DPKG)) {
      paths.addAll(DpkgAlternatives.emptiedGroups(tree, paths));
    }
    return new RemovalPlan(
        ordered, paths, databasePaths, DatabaseRewrites.of(tree, ordered), refusals, warnings);
  }

  /**
   * The plan once the strip has decided: a package some of whose paths stay (a safety check or a
   * {@code --keep} kept them) is no longer removed whole: its database records and entries stay and
   * a warning says why.
   *
   * @param keptBecause for a path of {@code plan.paths()}, why it stays, or null when it goes
   * @throws IOException when a database file cannot be read
   */
  public static RemovalPlan settle(
      FileTree tree, RemovalPlan plan, Function<String, String> keptBecause) throws IOException {
    List<InstalledPackage> whole = new ArrayList<>();
    List<String> warnings = new ArrayList<>(plan.warnings());
    TreeSet<String> databasePaths = new TreeSet<>(plan.databasePaths());
    for (InstalledPackage p : plan.removed()) {
      Map<String, String> kept = new TreeMap<>();
      for (String f : p.files()) {
        String why = plan.paths().contains(f) ? keptBecause.apply(f) : null;
        if (why != null) {
          kept.put(f, why);
        }
      }
      if (kept.isEmpty()) {
        whole.add(p);
        continue;
      }
      databasePaths.removeAll(p.databaseFiles());
      Map.Entry<String, String> first = kept.entrySet().iterator().next();
      warnings.add(
          p.label()
              + ": not removed whole: "
              + kept.size()
              + " of its files stay ("
              + first.getKey()
              + ": "
              + first.getValue()
              + (kept.size() > 1 ? ", ..." : "")
              + "); its database entry stays");
    }
    if (whole.size() == plan.removed().size()) {
      return plan;
    }
    return new RemovalPlan(
        plan.removed(),
        new TreeSet<>(plan.paths()),
        databasePaths,
        DatabaseRewrites.of(tree, whole),
        plan.refusals(),
        warnings);
  }

  /**
   * The kept package that owns all of {@code p}'s records, when it has records and another owns
   * them all.
   */
  private static @Nullable InstalledPackage recordOwner(
      InstalledPackage p, Map<String, InstalledPackage> keptOwner) {
    InstalledPackage owner = null;
    for (String f : p.databaseFiles()) {
      InstalledPackage o = keptOwner.get(f);
      if (o == null) {
        return null;
      }
      owner = o;
    }
    return owner;
  }

  /**
   * The candidate directories all of whose contents go. Database records do not count as going:
   * they go only with a package removed whole, and a removed directory must take its whole subtree.
   */
  private static Set<String> emptied(FileTree tree, Set<String> dirs, Set<String> paths) {
    if (dirs.isEmpty()) {
      return Set.of();
    }
    Set<String> full = new HashSet<>();
    for (TreeNode n : tree.nodes()) {
      String path = n.path();
      if (paths.contains(path) || dirs.contains(path)) {
        continue;
      }
      for (String d = TreeFiles.parent(path); !d.equals("/"); d = TreeFiles.parent(d)) {
        if (dirs.contains(d) && !full.add(d)) {
          break;
        }
      }
    }
    Set<String> out = new TreeSet<>(dirs);
    out.removeAll(full);
    return out;
  }

  private static String databaseNames(Installed installed) {
    List<String> names = new ArrayList<>();
    for (Ecosystem e : installed.databases()) {
      names.add(e.prefix());
    }
    names.sort(null);
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
