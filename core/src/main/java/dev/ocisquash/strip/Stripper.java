package dev.ocisquash.strip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which paths of a flattened image tree to strip. Pure logic over a {@link FileTree}: it reads content only
 * through {@link FileTree#open} (ELF headers, shebang lines, {@code /etc/ld.so.conf}).
 *
 * <p>Order of work: (1) presets are expanded against the tree (conda roots, compilers, polars runtimes) and every
 * glob is compiled into one {@link RuleMatcher}; (2) one walk over the tree, parents first, decides each path: a
 * {@code --keep} or license glob matching the path or an ancestor keeps it; otherwise the first rule (priority
 * order) matching the path or an ancestor, and not excepted by that rule's own exceptions, removes it; a removed
 * directory that holds a kept path stays; (3) a removed symlink takes along the symlinks of its chain whose final
 * target the same rule removed (the Debian JDK {@code src.zip} chain goes as a whole); (4) unless forced, the
 * safety checks run until nothing changes: dangling symlinks, shared libraries, interpreters, Python tests
 * directories a package imports; hardlink groups are accounted so that a removed name whose partner stays frees no
 * bytes.
 *
 * <p>Symlinks are resolved lexically inside the image, never on the host, with at most {@value #MAX_HOPS} hops.
 */
public final class Stripper {
  static final int MAX_HOPS = 40;

  /** Bytes of a package {@code __init__.py} read by the tests preset's import check. */
  static final int PYTHON_READ_LIMIT = 4 << 20;

  /** Directories searched for interpreters named through {@code /usr/bin/env} (conda roots' bin/ are added). */
  static final List<String> PATH_DIRS =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  /** Default library directories of glibc and musl, searched after DT_RUNPATH and ld.so.conf. */
  static final List<String> DEFAULT_LIB_DIRS =
      List.of(
          "/lib",
          "/usr/lib",
          "/lib64",
          "/usr/lib64",
          "/lib/x86_64-linux-gnu",
          "/usr/lib/x86_64-linux-gnu",
          "/lib/aarch64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/lib32",
          "/usr/lib32",
          "/usr/local/lib");

  static final List<String> COMPILERS = List.of("gcc", "cc", "clang", "g++", "c++");
  private static final String[] HWCAPS = {"glibc-hwcaps/x86-64-v4", "glibc-hwcaps/x86-64-v3", "glibc-hwcaps/x86-64-v2"};

  private final FileTree tree;
  private final StripRules rules;
  private final List<TreeNode> nodes = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final List<String> ruleNames = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private int[] rule;
  private int[] matchedRule;
  private String[] removeReason;
  private String[] keptCheck;
  private String[] keptReason;
  private final List<String> condaRoots = new ArrayList<>();
  private final List<String> compilers = new ArrayList<>();
  private final Map<Integer, Object> headCache = new HashMap<>();
  private final Map<Integer, Set<String>> pythonRefs = new HashMap<>();
  private List<String> ldConfDirs;
  private static final Object NOTHING = new Object();

  private Stripper(FileTree tree, StripRules rules) {
    this.tree = tree;
    this.rules = rules;
  }

  /**
   * Plans the strip of a tree.
   *
   * @throws IOException when content needed by a check cannot be read
   * @throws IllegalArgumentException when a preset needs something the rules lack
   */
  public static StripResult plan(FileTree tree, StripRules rules) throws IOException {
    return new Stripper(tree, rules).run();
  }

  private static final class RuleSpec {
    final String name;
    final List<String> removes = new ArrayList<>();
    final List<String> exceptions = new ArrayList<>();

    RuleSpec(String name) {
      this.name = name;
    }
  }

  private static final class DirInfo {
    final RuleMatcher.State state;
    final BitSet bits;

    DirInfo(RuleMatcher.State state, BitSet bits) {
      this.state = state;
      this.bits = bits;
    }
  }

  private StripResult run() throws IOException {
    for (TreeNode n : tree.nodes()) {
      index.put(n.path(), nodes.size());
      nodes.add(n);
    }
    int size = nodes.size();
    rule = new int[size];
    matchedRule = new int[size];
    java.util.Arrays.fill(rule, -1);
    java.util.Arrays.fill(matchedRule, -1);
    removeReason = new String[size];
    keptCheck = new String[size];
    keptReason = new String[size];

    Map<String, Set<String>> polars = scanFacts();
    List<RuleSpec> specs = buildSpecs(polars);
    for (RuleSpec s : specs) {
      ruleNames.add(s.name);
    }
    List<String> globs = new ArrayList<>();
    List<Integer> tags = new ArrayList<>();
    for (int r = 0; r < specs.size(); r++) {
      for (String g : specs.get(r).removes) {
        globs.add(g);
        tags.add(2 * r);
      }
      for (String g : specs.get(r).exceptions) {
        globs.add(g);
        tags.add(2 * r + 1);
      }
    }
    int keepTag = 2 * specs.size();
    int licenseTag = keepTag + 1;
    for (String g : rules.keeps()) {
      globs.add(g);
      tags.add(keepTag);
    }
    if (rules.keepLicenses() && !specs.isEmpty()) {
      for (String g : Presets.LICENSE_KEEPS) {
        globs.add(g);
        tags.add(licenseTag);
      }
    }
    RuleMatcher matcher = RuleMatcher.compile(globs, tags);
    walk(matcher, specs.size(), keepTag, licenseTag);
    for (int i = 0; i < size; i++) {
      if (rule[i] < 0) {
        keepAncestors(i);
      }
    }
    followChains();
    if (!rules.force()) {
      boolean changed = true;
      int rounds = 0;
      while (changed && rounds++ < 100) {
        changed = checkSymlinks();
        changed |= checkExecutables();
        changed |= checkPythonImports();
      }
    }
    return finish();
  }

  // ---------------------------------------------------------------- facts and rule specs

  private Map<String, Set<String>> scanFacts() {
    Map<String, Set<String>> polars = new TreeMap<>();
    for (TreeNode n : nodes) {
      if (n.isDirectory()) {
        String name = n.name();
        if (name.equals("conda-meta")) {
          condaRoots.add(TreePaths.parentOf(n.path()));
        } else if (name.startsWith("_polars_runtime_")) {
          polars.computeIfAbsent(TreePaths.parentOf(n.path()), k -> new LinkedHashSet<>()).add(name);
        }
      }
    }
    List<String> bins = new ArrayList<>(PATH_DIRS);
    for (String r : condaRoots) {
      bins.add(join(r, "bin"));
    }
    for (String b : bins) {
      for (String c : COMPILERS) {
        TreeNode n = tree.get(join(b, c));
        if (n != null && !n.isDirectory()) {
          compilers.add(n.path());
        }
      }
    }
    for (String r : condaRoots) {
      String bin = join(r, "bin") + "/";
      for (TreeNode n : nodes) {
        if (n.path().startsWith(bin) && n.path().indexOf('/', bin.length()) < 0 && isCondaCompiler(n.name())) {
          compilers.add(n.path());
        }
      }
    }
    return polars;
  }

  private static boolean isCondaCompiler(String name) {
    int i = name.indexOf("-conda-linux-gnu-");
    return i > 0 && COMPILERS.contains(name.substring(i + "-conda-linux-gnu-".length()));
  }

  private List<RuleSpec> buildSpecs(Map<String, Set<String>> polars) {
    List<RuleSpec> out = new ArrayList<>();
    for (Preset p : rules.activePresets()) {
      RuleSpec s = new RuleSpec(p.name());
      out.add(s);
      switch (p.name()) {
        case "headers":
          if (!compilers.isEmpty()) {
            notes.add("headers: kept, a C/C++ compiler stays in the image: " + String.join(", ", compilers));
            continue;
          }
          break;
        case "cross-toolchains":
          for (String r : condaRoots) {
            boolean has = false;
            for (String c : compilers) {
              if (c.startsWith(join(r, "bin") + "/") && c.contains("-conda-linux-gnu-")) {
                has = true;
              }
            }
            if (has) {
              notes.add("cross-toolchains: kept under " + r + ", a conda compiler is in " + join(r, "bin"));
            } else {
              s.removes.add(escape(r) + "/*-conda-linux-gnu");
            }
          }
          continue;
        case "simd-variants":
          simdRules(s, polars);
          continue;
        case "static-libs":
          if (!compilers.isEmpty()) {
            keepArchivesWithoutSharedTwin(s, RuleMatcher.compile(p.exceptions()));
          }
          break;
        default:
          break;
      }
      for (String g : p.globs()) {
        expandTemplate(g, s.removes);
      }
      for (String g : p.exceptions()) {
        expandTemplate(g, s.exceptions);
      }
    }
    for (String g : rules.removes()) {
      RuleSpec s = new RuleSpec("remove:" + g);
      s.removes.add(g);
      out.add(s);
    }
    return out;
  }

  /**
   * With a compiler in the image, {@code -lX} must keep linking: the linker takes {@code libX.so} when it is in the
   * same directory, so only such an archive is dead weight (read for {@code -static} alone). An archive without
   * that twin is what {@code -lX} links: glibc's empty {@code libdl.a}, {@code librt.a}, and
   * {@code libc_nonshared.a}, which the {@code libc.so} linker script names for every program.
   */
  private void keepArchivesWithoutSharedTwin(RuleSpec s, RuleMatcher alreadyExcepted) {
    List<String> kept = new ArrayList<>();
    for (TreeNode n : nodes) {
      String name = n.name();
      if (n.isRegular() && name.endsWith(".a") && alreadyExcepted.matchAll(n.path()).isEmpty()) {
        String twin = join(TreePaths.parentOf(n.path()), name.substring(0, name.length() - 2) + ".so");
        if (tree.get(twin) == null) {
          s.exceptions.add(escape(n.path()));
          kept.add(name);
        }
      }
    }
    if (!kept.isEmpty()) {
      notes.add(
          "static-libs: kept " + kept.size() + " archives with no .so beside them, -lX links them and a compiler"
              + " stays in the image: " + String.join(", ", kept.subList(0, Math.min(8, kept.size())))
              + (kept.size() > 8 ? ", ..." : ""));
    }
  }

  private void expandTemplate(String g, List<String> into) {
    if (g.startsWith(Presets.CONDA_ROOT)) {
      for (String r : condaRoots) {
        into.add(escape(r) + g.substring(Presets.CONDA_ROOT.length()));
      }
    } else {
      into.add(g);
    }
  }

  private void simdRules(RuleSpec s, Map<String, Set<String>> polars) {
    int level = rules.cpuLevel();
    for (int k = Math.max(2, level + 1); k <= 4; k++) {
      s.removes.add("**/glibc-hwcaps/x86-64-v" + k);
    }
    List<String> legacy = new ArrayList<>();
    if (level < 3) {
      legacy.add("haswell");
    }
    if (level < 4) {
      legacy.add("avx512_1");
      legacy.add("xeon_phi");
    }
    for (String d : legacy) {
      s.removes.add("**/lib/" + d);
      s.removes.add("**/lib64/" + d);
      s.removes.add("**/lib/*-linux-gnu/" + d);
    }
    for (Map.Entry<String, Set<String>> e : polars.entrySet()) {
      String sp = escape(e.getKey());
      Set<String> have = e.getValue();
      boolean compat = have.contains("_polars_runtime_compat");
      boolean fast = have.contains("_polars_runtime_64") || have.contains("_polars_runtime_32");
      if (level >= 3 && compat && fast) {
        s.removes.add(sp + "/_polars_runtime_compat");
        s.removes.add(sp + "/polars_runtime_compat-*.dist-info");
        notes.add("simd-variants: " + e.getKey() + "/_polars_runtime_compat removed, the faster runtime loads at v"
            + level);
      } else if (level == 2 && compat && fast) {
        for (String v : List.of("64", "32")) {
          s.removes.add(sp + "/_polars_runtime_" + v);
          s.removes.add(sp + "/polars_runtime_" + v + "-*.dist-info");
        }
        notes.add("simd-variants: " + e.getKey() + " keeps _polars_runtime_compat (needs v2), drops the v3 runtimes");
      } else if (compat || fast) {
        notes.add("simd-variants: polars runtimes in " + e.getKey() + " left alone at v" + level);
      }
    }
  }

  /** Escapes glob metacharacters in a literal path. */
  static String escape(String path) {
    StringBuilder sb = new StringBuilder();
    for (char c : path.toCharArray()) {
      if ("*?[]{}\\,".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  static String join(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  // ---------------------------------------------------------------- the walk

  private void walk(RuleMatcher m, int ruleCount, int keepTag, int licenseTag) {
    Map<String, DirInfo> dirs = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      TreeNode n = nodes.get(i);
      String p = n.path();
      RuleMatcher.State st;
      BitSet bits;
      if (p.equals("/")) {
        st = m.start();
        bits = new BitSet();
      } else {
        String parent = TreePaths.parentOf(p);
        DirInfo d = dirs.get(parent);
        if (d == null) {
          d = fresh(m, parent);
          dirs.put(parent, d);
        }
        st = m.step(d.state, n.name());
        bits = d.bits;
      }
      int[] acc = m.accepts(st);
      if (acc.length > 0) {
        bits = (BitSet) bits.clone();
        for (int t : acc) {
          bits.set(t);
        }
      }
      if (n.isDirectory()) {
        dirs.put(p, new DirInfo(st, bits));
      }
      if (bits.isEmpty()) {
        continue;
      }
      int first = -1;
      for (int r = 0; r < ruleCount; r++) {
        if (bits.get(2 * r) && !bits.get(2 * r + 1)) {
          first = r;
          break;
        }
      }
      if (first < 0) {
        continue;
      }
      if (bits.get(keepTag) || bits.get(licenseTag)) {
        matchedRule[i] = first;
        keptCheck[i] = bits.get(keepTag) ? "keep" : "license";
        keptReason[i] = bits.get(keepTag) ? "matches a --keep glob" : "license files always stay";
      } else {
        rule[i] = first;
      }
    }
  }

  private static DirInfo fresh(RuleMatcher m, String path) {
    RuleMatcher.State s = m.start();
    BitSet b = new BitSet();
    for (String c : path.substring(1).split("/")) {
      if (!c.isEmpty()) {
        s = m.step(s, c);
        for (int t : m.accepts(s)) {
          b.set(t);
        }
      }
    }
    return new DirInfo(s, b);
  }

  // ---------------------------------------------------------------- keeping

  /** Un-removes node i (recording why) and every removed ancestor. Returns whether anything changed. */
  private boolean keep(int i, String check, String reason) {
    if (rule[i] < 0) {
      return false;
    }
    matchedRule[i] = rule[i];
    rule[i] = -1;
    keptCheck[i] = check;
    keptReason[i] = reason;
    keepAncestors(i);
    return true;
  }

  private void keepAncestors(int i) {
    String p = TreePaths.parentOf(nodes.get(i).path());
    String child = nodes.get(i).path();
    while (p != null) {
      Integer a = index.get(p);
      if (a == null || rule[a] < 0) {
        return;
      }
      matchedRule[a] = rule[a];
      rule[a] = -1;
      keptCheck[a] = "contains-kept";
      keptReason[a] = "holds kept " + child;
      p = TreePaths.parentOf(p);
    }
  }

  /** Keeps node i and, for a directory, every removed path below it. */
  private boolean keepTarget(int i, String check, String reason) {
    boolean changed = keep(i, check, reason);
    TreeNode n = nodes.get(i);
    if (n.isDirectory()) {
      String prefix = n.path().equals("/") ? "/" : n.path() + "/";
      for (int j = i + 1; j < nodes.size() && nodes.get(j).path().startsWith(prefix); j++) {
        if (rule[j] >= 0) {
          matchedRule[j] = rule[j];
          rule[j] = -1;
          keptCheck[j] = check;
          keptReason[j] = reason;
          changed = true;
        }
      }
    }
    return changed;
  }

  // ---------------------------------------------------------------- symlink resolution

  /** A lexical walk of a path inside the image. */
  static final class Walk {
    /** Node indices of the symlinks followed, then the final node when it exists. */
    final List<Integer> visited = new ArrayList<>();
    boolean exists;
    String finalPath;
  }

  private static List<String> split(String p) {
    List<String> out = new ArrayList<>();
    for (String c : p.split("/")) {
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /** Resolves a path inside the image, following every symlink (also the last component). */
  Walk resolve(String path) {
    Walk w = new Walk();
    Deque<String> rem = new ArrayDeque<>(split(path));
    String cur = "/";
    int hops = 0;
    while (!rem.isEmpty()) {
      String c = rem.pollFirst();
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        String up = TreePaths.parentOf(cur);
        cur = up == null ? "/" : up;
        continue;
      }
      String next = join(cur, c);
      Integer idx = index.get(next);
      if (idx == null) {
        w.finalPath = next;
        return w;
      }
      TreeNode n = nodes.get(idx);
      if (n.isSymlink()) {
        if (++hops > MAX_HOPS || n.linkTarget() == null) {
          w.finalPath = next;
          return w;
        }
        w.visited.add(idx);
        List<String> t = split(n.linkTarget());
        for (int k = t.size() - 1; k >= 0; k--) {
          rem.addFirst(t.get(k));
        }
        if (n.linkTarget().startsWith("/")) {
          cur = "/";
        }
        continue;
      }
      if (!rem.isEmpty() && !n.isDirectory()) {
        w.finalPath = next;
        return w;
      }
      cur = next;
    }
    w.exists = true;
    w.finalPath = cur;
    w.visited.add(index.get(cur));
    return w;
  }

  private boolean survives(Walk w) {
    for (int v : w.visited) {
      if (rule[v] >= 0) {
        return false;
      }
    }
    return true;
  }

  private boolean keepWalk(Walk w, String check, String reason) {
    boolean changed = false;
    for (int k = 0; k < w.visited.size(); k++) {
      int v = w.visited.get(k);
      changed |= k == w.visited.size() - 1 ? keepTarget(v, check, reason) : keep(v, check, reason);
    }
    return changed;
  }

  // ---------------------------------------------------------------- chains and checks

  private void followChains() {
    for (int i = 0; i < nodes.size(); i++) {
      TreeNode n = nodes.get(i);
      if (!n.isSymlink() || rule[i] < 0 || removeReason[i] != null) {
        continue;
      }
      Walk w = resolve(n.path());
      if (!w.exists) {
        continue;
      }
      int target = w.visited.get(w.visited.size() - 1);
      if (rule[target] != rule[i]) {
        continue;
      }
      for (int k = 1; k < w.visited.size() - 1; k++) {
        int h = w.visited.get(k);
        if (rule[h] < 0 && keptCheck[h] == null) {
          rule[h] = rule[i];
          removeReason[h] = "symlink chain from " + n.path() + " to " + w.finalPath;
        }
      }
    }
  }

  private boolean checkSymlinks() {
    boolean changed = false;
    for (int i = 0; i < nodes.size(); i++) {
      TreeNode n = nodes.get(i);
      if (!n.isSymlink() || rule[i] >= 0) {
        continue;
      }
      Walk w = resolve(n.path());
      if (w.exists && !survives(w)) {
        changed |= keepWalk(w, "symlink", "target of symlink " + n.path());
      }
    }
    return changed;
  }

  private boolean anyRemoved(java.util.function.Predicate<TreeNode> p) {
    for (int i = 0; i < nodes.size(); i++) {
      if (rule[i] >= 0 && p.test(nodes.get(i))) {
        return true;
      }
    }
    return false;
  }

  private boolean checkExecutables() throws IOException {
    boolean libs = anyRemoved(n -> !n.isDirectory() && n.name().contains(".so"));
    boolean interps = anyRemoved(n -> n.isSymlink() || (n.isRegular() && (n.mode() & 0111) != 0));
    if (!libs && !interps) {
      return false;
    }
    boolean changed = false;
    for (int i = 0; i < nodes.size(); i++) {
      TreeNode n = nodes.get(i);
      if (rule[i] >= 0 || !n.isRegular() || ((n.mode() & 0111) == 0 && !n.name().contains(".so"))) {
        continue;
      }
      Object head = head(i);
      if (head instanceof ElfInfo && libs) {
        changed |= checkElf(n, (ElfInfo) head);
      } else if (head instanceof String && interps) {
        changed |= checkShebang(n, (String) head);
      }
    }
    return changed;
  }

  /**
   * Keeps a tests directory (whole) that a kept package {@code __init__.py} imports: the code that runs on
   * {@code import pkg}. Other modules are not read; their imports of test helpers need {@code --keep}.
   */
  private boolean checkPythonImports() throws IOException {
    int tests = ruleNames.indexOf("tests");
    if (tests < 0) {
      return false;
    }
    Map<String, Integer> removedModules = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      TreeNode n = nodes.get(i);
      if (rule[i] == tests && n.isDirectory() && (n.name().equals("tests") || n.name().equals("test"))) {
        String m = PythonImports.moduleOf(n.path());
        if (m != null) {
          removedModules.put(m, i);
        }
      }
    }
    boolean changed = false;
    for (int i = 0; i < nodes.size() && !removedModules.isEmpty(); i++) {
      TreeNode n = nodes.get(i);
      if (rule[i] >= 0 || !n.isRegular() || !n.name().equals("__init__.py")
          || PythonImports.moduleOf(n.path()) == null) {
        continue;
      }
      Set<String> refs = pythonRefs.get(i);
      if (refs == null) {
        byte[] b = new byte[(int) Math.min(n.size(), PYTHON_READ_LIMIT)];
        try (SeekableContent c = tree.open(n)) {
          b = java.util.Arrays.copyOf(b, c.readFully(0, b, 0, b.length));
        }
        refs = PythonImports.references(new String(b, StandardCharsets.UTF_8), n.path());
        pythonRefs.put(i, refs);
      }
      for (String r : refs) {
        Integer t = removedModules.get(r);
        if (t != null && rule[t] >= 0) {
          changed |= keepTarget(t, "python-import", r + " is imported by " + n.path());
        }
      }
    }
    return changed;
  }

  private Object head(int i) throws IOException {
    Object o = headCache.get(i);
    if (o != null) {
      return o;
    }
    TreeNode n = nodes.get(i);
    o = NOTHING;
    if (n.size() >= 4) {
      try (SeekableContent c = tree.open(n)) {
        byte[] b = new byte[512];
        int len = c.readFully(0, b, 0, b.length);
        if (ElfInfo.isElf(b, len)) {
          ElfInfo e = ElfInfo.read(c);
          if (e != null) {
            o = e;
          }
        } else if (len > 2 && b[0] == '#' && b[1] == '!') {
          int end = 2;
          while (end < len && b[end] != '\n') {
            end++;
          }
          o = new String(b, 2, end - 2, StandardCharsets.UTF_8).trim();
        }
      }
    }
    headCache.put(i, o);
    return o;
  }

  private boolean checkShebang(TreeNode script, String line) {
    String[] parts = line.split("[ \t]+");
    if (parts.length == 0 || !parts[0].startsWith("/")) {
      return false;
    }
    String why = "interpreter of " + script.path();
    Walk w = resolve(parts[0]);
    if (!w.exists) {
      return false;
    }
    boolean changed = survives(w) ? false : keepWalk(w, "interpreter", why);
    if (w.finalPath.endsWith("/env") || parts[0].endsWith("/env")) {
      String prog = null;
      for (int k = 1; k < parts.length; k++) {
        if (parts[k].startsWith("-") || parts[k].contains("=")) {
          continue;
        }
        prog = parts[k];
        break;
      }
      if (prog == null) {
        return changed;
      }
      List<String> dirs = new ArrayList<>(PATH_DIRS);
      for (String r : condaRoots) {
        dirs.add(0, join(r, "bin"));
      }
      if (prog.contains("/")) {
        dirs = List.of("/");
      }
      Walk firstRemoved = null;
      for (String d : dirs) {
        Walk c = resolve(prog.startsWith("/") ? prog : join(d, prog));
        if (!c.exists) {
          continue;
        }
        if (survives(c)) {
          return changed;
        }
        if (firstRemoved == null) {
          firstRemoved = c;
        }
      }
      if (firstRemoved != null) {
        changed |= keepWalk(firstRemoved, "interpreter", why + " (via env " + prog + ")");
      }
    }
    return changed;
  }

  private boolean checkElf(TreeNode elf, ElfInfo info) throws IOException {
    boolean changed = false;
    if (info.interpreter() != null && info.interpreter().startsWith("/")) {
      Walk w = resolve(info.interpreter());
      if (w.exists && !survives(w)) {
        changed |= keepWalk(w, "shared-library", "program interpreter of " + elf.path());
      }
    }
    if (info.needed().isEmpty()) {
      return changed;
    }
    String origin = TreePaths.parentOf(elf.path());
    List<String> dirs = new ArrayList<>();
    if (info.runpath() == null && info.rpath() != null) {
      addPathList(dirs, info.rpath(), origin, info.is64());
    }
    if (info.runpath() != null) {
      addPathList(dirs, info.runpath(), origin, info.is64());
    }
    dirs.addAll(ldConfDirs());
    dirs.addAll(DEFAULT_LIB_DIRS);
    for (String soname : info.needed()) {
      List<String> candidates = new ArrayList<>();
      if (soname.contains("/")) {
        if (soname.startsWith("/")) {
          candidates.add(soname);
        }
      } else {
        for (String d : dirs) {
          for (String h : HWCAPS) {
            candidates.add(join(d, h + "/" + soname));
          }
          candidates.add(join(d, soname));
        }
      }
      Walk firstRemoved = null;
      boolean ok = false;
      for (String c : candidates) {
        Walk w = resolve(c);
        if (!w.exists || nodes.get(w.visited.get(w.visited.size() - 1)).isDirectory()) {
          continue;
        }
        if (survives(w)) {
          ok = true;
          break;
        }
        if (firstRemoved == null) {
          firstRemoved = w;
        }
      }
      if (!ok && firstRemoved != null) {
        changed |= keepWalk(firstRemoved, "shared-library", soname + " needed by " + elf.path());
      }
    }
    return changed;
  }

  private static void addPathList(List<String> out, String list, String origin, boolean is64) {
    for (String d : list.split(":")) {
      if (d.isEmpty()) {
        continue;
      }
      d = d.replace("${ORIGIN}", origin).replace("$ORIGIN", origin);
      d = d.replace("${LIB}", is64 ? "lib64" : "lib").replace("$LIB", is64 ? "lib64" : "lib");
      d = d.replace("${PLATFORM}", "x86_64").replace("$PLATFORM", "x86_64");
      if (d.startsWith("/")) {
        out.add(normalise(d));
      }
    }
  }

  /** Lexical normalisation of an absolute path ({@code .} and {@code ..} removed, no symlinks followed). */
  static String normalise(String p) {
    Deque<String> st = new ArrayDeque<>();
    for (String c : split(p)) {
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        st.pollLast();
      } else {
        st.addLast(c);
      }
    }
    return st.isEmpty() ? "/" : "/" + String.join("/", st);
  }

  private List<String> ldConfDirs() throws IOException {
    if (ldConfDirs != null) {
      return ldConfDirs;
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    readLdConf("/etc/ld.so.conf", out, seen, 0);
    for (TreeNode n : nodes) {
      if (n.path().startsWith("/etc/ld.so.conf.d/") && n.name().endsWith(".conf")
          && n.path().indexOf('/', "/etc/ld.so.conf.d/".length()) < 0) {
        readLdConf(n.path(), out, seen, 0);
      }
    }
    ldConfDirs = out;
    return out;
  }

  private void readLdConf(String path, List<String> out, Set<String> seen, int depth) throws IOException {
    if (depth > 8 || !seen.add(path)) {
      return;
    }
    Walk w = resolve(path);
    if (!w.exists) {
      return;
    }
    TreeNode n = nodes.get(w.visited.get(w.visited.size() - 1));
    if (!n.isRegular() || n.size() > (1 << 20)) {
      return;
    }
    byte[] b = new byte[(int) n.size()];
    try (SeekableContent c = tree.open(n)) {
      c.readFully(0, b, 0, b.length);
    }
    for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.trim();
      if (line.isEmpty() || line.startsWith("hwcap")) {
        continue;
      }
      if (line.startsWith("include")) {
        String pat = line.substring("include".length()).trim();
        if (!pat.startsWith("/")) {
          pat = "/etc/" + pat;
        }
        RuleMatcher m = RuleMatcher.compile(List.of(pat));
        for (TreeNode f : nodes) {
          if (f.isRegular() && f.path().startsWith("/etc/") && m.matchAll(f.path()).get(0)) {
            readLdConf(f.path(), out, seen, depth + 1);
          }
        }
        continue;
      }
      for (String d : line.split("[\\s:,]+")) {
        if (d.startsWith("/")) {
          out.add(normalise(d));
        }
      }
    }
  }

  // ---------------------------------------------------------------- report

  private StripResult finish() {
    int size = nodes.size();
    long[] bytes = new long[size];
    String[] hardlinkNote = new String[size];
    Map<Object, List<Integer>> groups = new IdentityHashMap<>();
    for (int i = 0; i < size; i++) {
      TreeNode n = nodes.get(i);
      if (rule[i] >= 0 && n.isRegular()) {
        bytes[i] = n.size();
      }
      if (n.groupKey() != null) {
        groups.computeIfAbsent(n.groupKey(), k -> new ArrayList<>()).add(i);
      }
    }
    LinkedHashMap<String, StripReport.Totals> checkTotals = new LinkedHashMap<>();
    for (List<Integer> g : groups.values()) {
      Integer survivor = null;
      for (int i : g) {
        if (rule[i] < 0) {
          survivor = i;
          break;
        }
      }
      boolean counted = false;
      for (int i : g) {
        if (rule[i] < 0) {
          continue;
        }
        if (survivor != null) {
          hardlinkNote[i] = "content stays: hardlinked with " + nodes.get(survivor).path();
          checkTotals.computeIfAbsent("hardlink", k -> new StripReport.Totals()).add(bytes[i]);
          bytes[i] = 0;
        } else if (counted) {
          hardlinkNote[i] = "content counted once for the hardlink group";
          bytes[i] = 0;
        } else {
          counted = true;
        }
      }
    }
    LinkedHashMap<String, StripReport.Totals> ruleTotals = new LinkedHashMap<>();
    for (String r : ruleNames) {
      ruleTotals.put(r, new StripReport.Totals());
    }
    List<StripReport.Decision> decisions = new ArrayList<>();
    Set<String> removed = new LinkedHashSet<>();
    Set<String> roots = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      TreeNode n = nodes.get(i);
      String type = n.type().name().toLowerCase(java.util.Locale.ROOT);
      if (rule[i] >= 0) {
        String reason = removeReason[i] != null ? removeReason[i] : hardlinkNote[i];
        decisions.add(
            new StripReport.Decision(n.path(), "removed", type, bytes[i], ruleNames.get(rule[i]), null, reason));
        ruleTotals.get(ruleNames.get(rule[i])).add(bytes[i]);
        removed.add(n.path());
        String parent = TreePaths.parentOf(n.path());
        Integer pi = parent == null ? null : index.get(parent);
        if (pi == null || rule[pi] < 0) {
          roots.add(n.path());
        }
      } else if (matchedRule[i] >= 0) {
        decisions.add(
            new StripReport.Decision(
                n.path(), "kept", type, n.size(), ruleNames.get(matchedRule[i]), keptCheck[i], keptReason[i]));
        checkTotals.computeIfAbsent(keptCheck[i], k -> new StripReport.Totals()).add(n.isRegular() ? n.size() : 0);
      }
    }
    StripReport report = new StripReport(decisions, ruleTotals, checkTotals, new ArrayList<>(notes));
    return new StripResult(removed, roots, report);
  }
}
