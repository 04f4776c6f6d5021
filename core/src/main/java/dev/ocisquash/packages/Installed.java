package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every package the databases of one tree record, in a fixed order: dpkg, apk, conda, pip, npm (system package
 * managers first), each in database order.
 *
 * @param packages the packages
 * @param databases the ecosystems whose database the tree holds (an empty database counts)
 */
public record Installed(List<InstalledPackage> packages, Set<Ecosystem> databases) {
  public Installed {
    packages = List.copyOf(packages);
    databases = Set.copyOf(databases);
  }

  /**
   * Reads every database the tree holds. Paths a database lists but the tree lacks are skipped (stripped or
   * deleted files); malformed records are skipped, never guessed at.
   *
   * @throws IOException when a database file cannot be read
   */
  public static Installed read(FileTree tree) throws IOException {
    List<InstalledPackage> all = new ArrayList<>();
    Set<Ecosystem> found = EnumSet.noneOf(Ecosystem.class);
    for (Ecosystem e : Ecosystem.values()) {
      List<InstalledPackage> some = switch (e) {
        case DPKG -> DpkgReader.read(tree);
        case APK -> ApkReader.read(tree);
        case CONDA -> CondaReader.read(tree);
        case PIP -> PipReader.read(tree);
        case NPM -> NpmReader.read(tree);
      };
      if (some != null) {
        found.add(e);
        all.addAll(some);
      }
    }
    return new Installed(all, found);
  }

  /** The packages of one ecosystem. */
  public List<InstalledPackage> of(Ecosystem e) {
    List<InstalledPackage> out = new ArrayList<>();
    for (InstalledPackage p : packages) {
      if (p.ecosystem() == e) {
        out.add(p);
      }
    }
    return out;
  }
}
