package dev.ocisquash.layering;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.packages.Installed;
import dev.ocisquash.packages.InstalledPackage;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Assigns every non-directory path of a tree to a {@link Component}. Rule, in order:
 *
 * <ol>
 *   <li>the package databases claim what they list ({@link Installed#read}), first claim wins, in
 *       this order: dpkg, apk, conda, Python, npm (system package managers before language ones),
 *       each package its own records first;
 *   <li>an unclaimed bytecode file {@code d/__pycache__/m.*.pyc} joins the group of {@code d/m.py}
 *       (Debian compiles them at install time, outside the lists);
 *   <li>an unclaimed path matching a metadata rule ({@link #METADATA_RULES}: the dpkg status, logs,
 *       caches, {@code ld.so.cache}) goes to {@link Component#METADATA};
 *   <li>an unclaimed regular file of at least the big-file threshold becomes a group of its own;
 *   <li>everything else goes to {@link Component#UNCLAIMED};
 *   <li>finally, every name of a hardlink group joins the group of the group's first name in path
 *       order: a hardlink and its target must be written in one layer.
 * </ol>
 */
public final class Grouping {
  /**
   * Files that change whenever any package does, or on every build: kept in the small top layer. An
   * entry ending in {@code /} covers everything below that directory; any other entry is one path.
   */
  public static final List<String> METADATA_RULES =
      List.of(
          "/var/lib/dpkg/",
          "/var/lib/apt/",
          "/var/cache/",
          "/var/log/",
          "/lib/apk/db/",
          "/etc/ld.so.cache",
          "/etc/machine-id",
          "/var/lib/systemd/",
          "/var/lib/pam/",
          "/var/lib/ucf/");

  /** The default big-file threshold: 1 MiB. */
  public static final long DEFAULT_BIG_FILE = 1 << 20;

  private final FileTree tree;

  /** The owner of every non-directory path but those {@link Component#UNCLAIMED}. */
  private final Map<String, Component> owners;

  /**
   * The owner of each node of the tree, in the order of {@link FileTree#nodes()}; null for a
   * directory.
   */
  private final @Nullable Component[] ownerAt;

  private final Map<Component, Long> sizes;

  private Grouping(
      FileTree tree,
      Map<String, Component> owners,
      @Nullable Component[] ownerAt,
      Map<Component, Long> sizes) {
    this.tree = tree;
    this.owners = owners;
    this.ownerAt = ownerAt;
    this.sizes = sizes;
  }

  /**
   * Groups the tree's files.
   *
   * @param bigFile unclaimed regular files of at least this many bytes become their own group
   * @throws IOException when a database file cannot be read
   */
  public static Grouping of(FileTree tree, long bigFile) throws IOException {
    Claims claims = new Claims();
    for (InstalledPackage p : Installed.read(tree).packages()) {
      Component owner = ownerOf(p);
      for (String path : p.databaseFiles()) {
        TreeNode n = tree.get(path);
        if (n != null && !n.isDirectory()) {
          claims.claim(path, owner);
        }
      }
      for (String path : p.files()) {
        claims.claim(path, owner);
      }
    }
    // Unclaimed paths, often most of an image without package databases (millions in the scale
    // test), get no map entry: ownerOf finds them in the tree.
    Map<String, Component> owners = new HashMap<>();
    List<@Nullable Component> ownerAt = new ArrayList<>();
    Map<Object, Component> linkGroups = new HashMap<>();
    Map<Component, Long> sizes = new TreeMap<>();
    long unclaimedBytes = 0;
    boolean anyUnclaimed = false;
    for (TreeNode n :
        tree.nodes()) { // parents before children, siblings by name: the first name of a group wins
      if (n.isDirectory()) {
        ownerAt.add(null);
        continue;
      }
      Component c = claims.ownerOf(n.path());
      if (c == null) {
        c = ownerOfSource(claims, n.path());
      }
      if (c == null) {
        if (isMetadata(n.path())) {
          c = Component.METADATA;
        } else if (n.isRegular() && n.size() >= bigFile) {
          c = Component.of(Source.BIG_FILE, n.path());
        } else {
          c = Component.UNCLAIMED;
        }
      }
      boolean firstName = true;
      if (n.groupKey() != null) {
        Component first = linkGroups.putIfAbsent(n.groupKey(), c);
        if (first != null) {
          c = first;
          firstName = false;
        }
      }
      ownerAt.add(c);
      long bytes = firstName && n.isRegular() ? n.size() : 0L;
      if (c.equals(Component.UNCLAIMED)) {
        unclaimedBytes += bytes;
        anyUnclaimed = true;
      } else {
        owners.put(n.path(), c);
        sizes.merge(c, bytes, Long::sum);
      }
    }
    if (anyUnclaimed) {
      sizes.put(Component.UNCLAIMED, unclaimedBytes);
    }
    return new Grouping(tree, owners, ownerAt.toArray(new Component[0]), sizes);
  }

  /**
   * The owner of the Python source a bytecode file was compiled from: {@code
   * d/__pycache__/m.cpython-311.pyc} (also {@code .opt-1.pyc}) belongs to whoever owns {@code
   * d/m.py}. Debian's py3compile writes these at install time and no list names them; they change
   * exactly when their source does.
   */
  static @Nullable Component ownerOfSource(Claims claims, String path) {
    if (!path.endsWith(".pyc")) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, Math.max(slash, 0));
    if (!dir.endsWith("/__pycache__")) {
      return null;
    }
    String name = path.substring(slash + 1);
    int dot = name.indexOf('.');
    String module = name.substring(0, dot);
    return module.isEmpty()
        ? null
        : claims.ownerOf(
            dir.substring(0, dir.length() - "/__pycache__".length()) + "/" + module + ".py");
  }

  /** Whether an unclaimed path falls under {@link #METADATA_RULES}. */
  static boolean isMetadata(String path) {
    for (String rule : METADATA_RULES) {
      if (rule.endsWith("/") ? path.startsWith(rule) : path.equals(rule)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether grouping reads the content of the file at {@code path} (with a leading slash): the
   * package databases. A partial squash keeps the content of such files from kept base layers,
   * which it otherwise never copies.
   */
  public static boolean readsContentOf(String path) {
    return Installed.readsContentOf(path);
  }

  /**
   * The group of a package: the dpkg info stem ({@code libssl3:amd64}), the apk name, the conda
   * prefix and name ({@code /opt/conda:numpy}), the normalised Python project ({@code
   * zope-interface}), the npm package directory: stable across versions.
   */
  static Component ownerOf(InstalledPackage p) {
    return switch (p.ecosystem()) {
      case DPKG -> Component.of(Source.DEB, p.key());
      case APK -> Component.of(Source.APK, p.name());
      case CONDA -> Component.of(Source.CONDA, p.key());
      case PIP -> Component.of(Source.PYTHON, p.name());
      case NPM -> Component.of(Source.NPM, p.key());
    };
  }

  /** The group of a non-directory path, or null for a directory or an unknown path. */
  public @Nullable Component ownerOf(String path) {
    Component c = owners.get(path);
    if (c != null) {
      return c;
    }
    TreeNode n = tree.get(path);
    return n == null || n.isDirectory() ? null : Component.UNCLAIMED;
  }

  /**
   * The same answers as {@link #ownerOf(String)}, for a caller that asks for paths in the tree's
   * order ({@link FileTree#nodes()}), leaving out any it likes: the layer plan's items, in the
   * order the layer is written. Each answer then comes from the next nodes of the tree in turn,
   * with no hash lookup per path (at millions of paths, those lookups were most of the split's
   * time, one cache miss after another). A path not in that order still gets the right answer: the
   * walk then looks every later path up by {@link #ownerOf(String)}.
   *
   * @return a lookup for one walk, by one thread
   */
  public Function<String, @Nullable Component> inTreeOrder() {
    return new Walk();
  }

  /** One walk over the tree for {@link #inTreeOrder()}. */
  private final class Walk implements Function<String, @Nullable Component> {
    private final Iterator<TreeNode> nodes = tree.nodes().iterator();

    /** The first node not passed yet, or null at the end; at index {@link #index}. */
    private @Nullable TreeNode next;

    private int index = -1;

    /** False once a path came out of the tree's order. */
    private boolean inOrder = true;

    Walk() {
      step();
    }

    @Override
    public @Nullable Component apply(String path) {
      if (inOrder) {
        TreeNode n = next;
        if (n != null && n.path().equals(path)) {
          return take();
        }
        // Another path: one the caller left out lies between, or the path is not in the tree.
        TreeNode at = tree.get(path);
        if (at == null) {
          return null;
        }
        while (next != null && next != at) {
          step();
        }
        if (next != null) {
          return take();
        }
        inOrder = false; // asked before: it was passed already
      }
      return ownerOf(path);
    }

    private @Nullable Component take() {
      Component c = ownerAt[index];
      step();
      return c;
    }

    private void step() {
      next = nodes.hasNext() ? nodes.next() : null;
      index++;
    }
  }

  /** Every group with its content bytes (a hardlinked file counted once), ordered by id. */
  public Map<Component, Long> sizes() {
    return java.util.Collections.unmodifiableMap(sizes);
  }
}
