package dev.ocisquash.strip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Python imports: keeps a tests directory (whole) that a kept package {@code __init__.py} imports,
 * the code that runs on {@code import pkg}. Only the {@code tests} preset removes such directories,
 * so without it the check does nothing. Other modules are not read; their imports of test helpers
 * need {@code --keep}.
 */
final class PythonImportCheck implements SafetyCheck {
  /** Bytes of a package {@code __init__.py} read. */
  static final int PYTHON_READ_LIMIT = 4 << 20;

  /** The rule whose removals the check reviews. */
  private static final String TESTS_RULE = "tests";

  private final Map<Integer, Set<String>> refsCache = new HashMap<>();

  @Override
  public String name() {
    return "python-import";
  }

  @Override
  public boolean run(StripDecisions d) throws IOException {
    int tests = d.ruleNames().indexOf(TESTS_RULE);
    if (tests < 0) {
      return false;
    }
    Map<String, Integer> removedModules = new HashMap<>();
    for (int i = 0; i < d.size(); i++) {
      TreeNode n = d.node(i);
      if (d.rule(i) == tests
          && n.isDirectory()
          && (n.name().equals("tests") || n.name().equals("test"))) {
        String m = PythonImports.moduleOf(n.path());
        if (m != null) {
          removedModules.put(m, i);
        }
      }
    }
    boolean changed = false;
    for (int i = 0; i < d.size() && !removedModules.isEmpty(); i++) {
      TreeNode n = d.node(i);
      if (d.isRemoved(i)
          || !n.isRegular()
          || !n.name().equals("__init__.py")
          || PythonImports.moduleOf(n.path()) == null) {
        continue;
      }
      for (String r : references(d.index(), i)) {
        Integer t = removedModules.get(r);
        if (t != null && d.isRemoved(t)) {
          changed |= d.keepTarget(t, name(), r + " is imported by " + n.path());
        }
      }
    }
    return changed;
  }

  /** The modules the file numbered {@code i} may import, read once per tree. */
  private Set<String> references(ImageIndex index, int i) throws IOException {
    Set<String> refs = refsCache.get(i);
    if (refs == null) {
      TreeNode n = index.node(i);
      byte[] b = new byte[(int) Math.min(n.size(), PYTHON_READ_LIMIT)];
      try (SeekableContent c = index.open(n)) {
        b = Arrays.copyOf(b, c.readFully(0, b, 0, b.length));
      }
      refs = PythonImports.references(new String(b, StandardCharsets.UTF_8), n.path());
      refsCache.put(i, refs);
    }
    return refs;
  }
}
