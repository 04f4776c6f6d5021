package dev.ocisquash.packages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which kept packages would lose a dependency. A kept package depends on a removed one when one of
 * its dependencies is satisfied now and no longer once the removed packages are gone; every removed
 * package that satisfied it is then needed. Versions are not compared: any provider of the name
 * counts. Names resolve within an ecosystem and scope: dpkg and apk through the name or a {@code
 * Provides}/{@code p:} entry, conda within its prefix, pip within its site directory, npm as Node
 * resolves {@code require}: {@code node_modules/NAME} in the package directory and then in each
 * directory above it.
 */
final class Dependents {
  private Dependents() {}

  /** For each removed package that kept packages need, their labels, sorted. */
  static Map<InstalledPackage, List<String>> of(
      List<InstalledPackage> all, Set<InstalledPackage> removed) {
    Map<String, List<InstalledPackage>> byName = new HashMap<>();
    for (InstalledPackage p : all) {
      byName
          .computeIfAbsent(index(p.ecosystem(), p.scope(), p.name()), k -> new ArrayList<>())
          .add(p);
      for (String v : p.provides()) {
        byName.computeIfAbsent(index(p.ecosystem(), p.scope(), v), k -> new ArrayList<>()).add(p);
      }
    }
    Map<InstalledPackage, Set<String>> needs = new LinkedHashMap<>();
    for (InstalledPackage k : all) {
      if (removed.contains(k)) {
        continue;
      }
      for (Dependency d : k.depends()) {
        List<InstalledPackage> providers = providers(k, d, byName);
        if (providers.isEmpty() || !removed.containsAll(providers)) {
          continue;
        }
        for (InstalledPackage p : providers) {
          needs.computeIfAbsent(p, x -> new TreeSet<>()).add(k.label());
        }
      }
    }
    Map<InstalledPackage, List<String>> out = new LinkedHashMap<>();
    needs.forEach((p, labels) -> out.put(p, List.copyOf(labels)));
    return out;
  }

  /** The packages that satisfy one dependency of {@code k} now. */
  private static List<InstalledPackage> providers(
      InstalledPackage k, Dependency d, Map<String, List<InstalledPackage>> byName) {
    List<InstalledPackage> out = new ArrayList<>();
    for (String alt : d.anyOf()) {
      if (k.ecosystem() == Ecosystem.NPM) {
        InstalledPackage found = npmResolve(k.scope(), alt, byName);
        if (found != null) {
          out.add(found);
        }
      } else {
        out.addAll(byName.getOrDefault(index(k.ecosystem(), k.scope(), alt), List.of()));
      }
    }
    return out;
  }

  /**
   * The package Node finds for {@code require(name)} from {@code dir}: the nearest {@code
   * node_modules/name}.
   */
  private static @Nullable InstalledPackage npmResolve(
      String dir, String name, Map<String, List<InstalledPackage>> byName) {
    for (String d = dir; ; d = TreeFiles.parent(d)) {
      if (!d.endsWith("/node_modules")) {
        String candidate = (d.equals("/") ? "" : d) + "/node_modules/" + name;
        for (InstalledPackage p :
            byName.getOrDefault(index(Ecosystem.NPM, candidate, name), List.of())) {
          if (p.key().equals(candidate)) {
            return p;
          }
        }
      }
      if (d.equals("/")) {
        return null;
      }
    }
  }

  private static String index(Ecosystem e, String scope, String name) {
    return e + "\0" + scope + "\0" + name;
  }
}
