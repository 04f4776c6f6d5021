package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every package the databases of one tree record, in a fixed order: dpkg, apk, conda, pip, npm
 * (system package managers first), each in database order.
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
   * Reads every database the tree holds. Paths a database lists but the tree lacks are skipped
   * (stripped or deleted files); malformed records are skipped, never guessed at.
   *
   * @throws IOException when a database file cannot be read
   */
  public static Installed read(FileTree tree) throws IOException {
    List<InstalledPackage> all = new ArrayList<>();
    Set<Ecosystem> found = EnumSet.noneOf(Ecosystem.class);
    for (Ecosystem e : Ecosystem.values()) {
      List<InstalledPackage> some =
          switch (e) {
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

  /**
   * Whether reading the databases reads the content of the file at {@code path} (with a leading
   * slash), or a removal rewrites it. A partial squash keeps the content of such files from kept
   * base layers, which it otherwise never copies.
   */
  public static boolean readsContentOf(String path) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    String parent = slash <= 0 ? "/" : path.substring(0, slash);
    return path.equals(DpkgReader.STATUS)
        || (parent.equals(DpkgReader.INFO) && name.endsWith(".list"))
        || path.equals(ApkReader.INSTALLED)
        || path.equals(ApkReader.WORLD)
        || (parent.endsWith("/conda-meta") && name.endsWith(".json"))
        || ((parent.endsWith(".dist-info") || parent.endsWith(".egg-info"))
            && List.of("RECORD", "METADATA", "installed-files.txt", "PKG-INFO", "requires.txt")
                .contains(name))
        || name.equals("package.json")
        || name.equals(".package-lock.json");
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
