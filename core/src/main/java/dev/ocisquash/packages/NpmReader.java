package dev.ocisquash.packages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * npm: each {@code node_modules/<pkg>/} or {@code node_modules/@scope/<pkg>/} with a {@code
 * package.json} is a package that owns the files below it, except those of packages nested in its
 * own {@code node_modules}: a file belongs to the innermost package directory above it. Its {@code
 * package.json} gives {@code name}, {@code version} and {@code dependencies}. A directory with a
 * {@code package.json} and a {@code node_modules} that is no package itself is a project root: it
 * owns nothing, is never removed, and its dependencies count like any other's. The key is the
 * package directory: npm's layout, not a version, decides it. Layout: npm's folders documentation
 * (https://docs.npmjs.com/cli/configuring-npm/folders) and Node's module resolution.
 */
final class NpmReader {
  static final String ROOT_PROTECTION = "an npm project root";

  private NpmReader() {}

  static @Nullable List<InstalledPackage> read(FileTree tree) throws IOException {
    Map<String, TreeNode> manifests = new LinkedHashMap<>();
    for (TreeNode n : tree.nodes()) {
      if (n.isRegular() && n.name().equals("package.json")) {
        String dir = TreeFiles.parent(n.path());
        TreeNode modules = tree.get(dir + "/node_modules");
        if (isPackageDir(dir) || (modules != null && modules.isDirectory())) {
          manifests.put(dir, n);
        }
      }
    }
    if (manifests.isEmpty()) {
      return null;
    }
    Map<String, Listing> listings = new LinkedHashMap<>();
    for (String dir : manifests.keySet()) {
      if (isPackageDir(dir)) {
        listings.put(dir, new Listing(tree));
      }
    }
    for (TreeNode n : tree.nodes()) {
      if (!n.path().contains("/node_modules/")) {
        continue;
      }
      for (String dir = n.path(); !dir.equals("/"); dir = TreeFiles.parent(dir)) {
        Listing l = listings.get(dir);
        if (l != null) {
          l.add(n.path());
          break;
        }
      }
    }
    List<InstalledPackage> out = new ArrayList<>();
    for (Map.Entry<String, TreeNode> e : manifests.entrySet()) {
      String dir = e.getKey();
      JsonNode m;
      try {
        m = Json.parse(TreeFiles.bytes(tree, e.getValue()));
      } catch (IOException malformed) {
        m = null;
      }
      boolean pkg = isPackageDir(dir);
      String name =
          m != null && m.path("name").isTextual()
              ? m.get("name").asText()
              : pkg ? dirName(dir) : dir;
      String version = m != null && m.path("version").isTextual() ? m.get("version").asText() : "";
      List<Dependency> depends = new ArrayList<>();
      if (m != null && m.path("dependencies").isObject()) {
        for (Iterator<String> it = m.get("dependencies").fieldNames(); it.hasNext(); ) {
          depends.add(Dependency.on(it.next()));
        }
      }
      Listing l =
          pkg
              ? Objects.requireNonNull(listings.get(dir), "a listing per package dir")
              : new Listing(tree);
      out.add(
          l.build(
              Ecosystem.NPM,
              name,
              version,
              dir,
              dir,
              depends,
              List.of(),
              pkg ? null : ROOT_PROTECTION));
    }
    return out;
  }

  /** The package name a directory holds: {@code lodash} or {@code @scope/name}. */
  private static String dirName(String dir) {
    String parent = TreeFiles.parent(dir);
    String last = dir.substring(dir.lastIndexOf('/') + 1);
    return parent.endsWith("/node_modules")
        ? last
        : parent.substring(parent.lastIndexOf('/') + 1) + "/" + last;
  }

  /** {@code .../node_modules/name} or {@code .../node_modules/@scope/name}. */
  static boolean isPackageDir(String dir) {
    String parent = TreeFiles.parent(dir);
    if (parent.endsWith("/node_modules")) {
      return !dir.substring(dir.lastIndexOf('/') + 1).startsWith("@")
          && !dir.substring(dir.lastIndexOf('/') + 1).startsWith(".");
    }
    String grand = TreeFiles.parent(parent);
    return grand.endsWith("/node_modules")
        && parent.substring(parent.lastIndexOf('/') + 1).startsWith("@");
  }
}
