package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The expansions of the built-in presets: the plain template expansion and the presets that look at
 * the tree.
 */
final class PresetExpansions {
  private PresetExpansions() {}

  /** Every glob as it is, {@code <conda-root>} templates once per conda root. */
  static final PresetExpansion TEMPLATES = (p, c, s) -> c.expandTemplates(p, s);

  /** Headers are what a compiler reads: with a compiler in the image the preset removes nothing. */
  static final PresetExpansion HEADERS =
      (p, c, s) -> {
        List<String> compilers = c.facts().compilers();
        if (!compilers.isEmpty()) {
          c.notes()
              .add(
                  "headers: kept, a C/C++ compiler stays in the image: "
                      + String.join(", ", compilers));
          return;
        }
        c.expandTemplates(p, s);
      };

  /**
   * A conda root's sysroots go unless the root's {@code bin/} holds a conda compiler that uses
   * them.
   */
  static final PresetExpansion CROSS_TOOLCHAINS =
      (p, c, s) -> {
        for (String r : c.facts().condaRoots()) {
          if (c.facts().condaRootHasCompiler(r)) {
            c.notes()
                .add(
                    "cross-toolchains: kept under "
                        + r
                        + ", a conda compiler is in "
                        + TreePaths.join(r, "bin"));
          } else {
            for (String g : p.globs()) {
              s.removes().add(TreePaths.escape(r) + g.substring(Presets.CONDA_ROOT.length()));
            }
          }
        }
      };

  /**
   * With a compiler in the image, {@code -lX} must keep linking: the linker takes {@code libX.so}
   * when it is in the same directory, so only such an archive is dead weight (read for {@code
   * -static} alone). An archive without that twin is what {@code -lX} links: glibc's empty {@code
   * libdl.a}, {@code librt.a}, and {@code libc_nonshared.a}, which the {@code libc.so} linker
   * script names for every program.
   */
  static final PresetExpansion STATIC_LIBS =
      (p, c, s) -> {
        if (!c.facts().compilers().isEmpty()) {
          keepArchivesWithoutSharedTwin(s, c, RuleMatcher.compile(p.exceptions()));
        }
        c.expandTemplates(p, s);
      };

  /**
   * The variants above the CPU level; the preset's globs only describe them, they are built here.
   */
  static final PresetExpansion SIMD_VARIANTS = PresetExpansions::simdVariants;

  private static void keepArchivesWithoutSharedTwin(
      RuleSpec s, ExpansionContext c, RuleMatcher alreadyExcepted) {
    List<String> kept = new ArrayList<>();
    for (TreeNode n : c.index().nodes()) {
      String name = n.name();
      if (n.isRegular() && name.endsWith(".a") && alreadyExcepted.matchAll(n.path()).isEmpty()) {
        String twin =
            TreePaths.join(
                Objects.requireNonNull(TreePaths.parentOf(n.path()), "a file is never /"),
                name.substring(0, name.length() - 2) + ".so");
        if (c.index().tree().get(twin) == null) {
          s.exceptions().add(TreePaths.escape(n.path()));
          kept.add(name);
        }
      }
    }
    if (!kept.isEmpty()) {
      c.notes()
          .add(
              "static-libs: kept "
                  + kept.size()
                  + " archives with no .so beside them, -lX links them and a compiler"
                  + " stays in the image: "
                  + String.join(", ", kept.subList(0, Math.min(8, kept.size())))
                  + (kept.size() > 8 ? ", ..." : ""));
    }
  }

  private static void simdVariants(Preset p, ExpansionContext c, RuleSpec s) {
    int level = c.cpuLevel();
    for (int k = Math.max(2, level + 1); k <= 4; k++) {
      s.removes().add("**/glibc-hwcaps/x86-64-v" + k);
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
      s.removes().add("**/lib/" + d);
      s.removes().add("**/lib64/" + d);
      s.removes().add("**/lib/*-linux-gnu/" + d);
    }
    for (Map.Entry<String, Set<String>> e : c.facts().polars().entrySet()) {
      String sp = TreePaths.escape(e.getKey());
      Set<String> have = e.getValue();
      boolean compat = have.contains("_polars_runtime_compat");
      boolean fast = have.contains("_polars_runtime_64") || have.contains("_polars_runtime_32");
      if (level >= 3 && compat && fast) {
        s.removes().add(sp + "/_polars_runtime_compat");
        s.removes().add(sp + "/polars_runtime_compat-*.dist-info");
        c.notes()
            .add(
                "simd-variants: "
                    + e.getKey()
                    + "/_polars_runtime_compat removed, the faster runtime loads at v"
                    + level);
      } else if (level == 2 && compat && fast) {
        for (String v : List.of("64", "32")) {
          s.removes().add(sp + "/_polars_runtime_" + v);
          s.removes().add(sp + "/polars_runtime_" + v + "-*.dist-info");
        }
        c.notes()
            .add(
                "simd-variants: "
                    + e.getKey()
                    + " keeps _polars_runtime_compat (needs v2), drops the v3 runtimes");
      } else if (compat || fast) {
        c.notes()
            .add("simd-variants: polars runtimes in " + e.getKey() + " left alone at v" + level);
      }
    }
  }
}
