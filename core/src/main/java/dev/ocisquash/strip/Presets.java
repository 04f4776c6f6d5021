package dev.ocisquash.strip;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The built-in presets. {@code safe} turns on package-manager-caches, docs, headers,
 * cross-toolchains and jdk-src; pycache, tests, jdk-jmods, static-libs, locale and simd-variants
 * must be named. The order of {@link #all()} is the priority used to attribute a removed path to
 * one rule: the first preset that matches it, then the {@code --remove} globs in the order given.
 */
public final class Presets {
  /** Name of the umbrella preset. */
  public static final String SAFE = "safe";

  /** Placeholder, in templates, for each conda root (a directory holding {@code conda-meta/}). */
  public static final String CONDA_ROOT = "<conda-root>";

  /**
   * License files kept wherever they are, unless {@link StripRules.Builder#keepLicenses(boolean)}
   * is false.
   */
  public static final List<String> LICENSE_KEEPS =
      List.of(
          "**/copyright",
          "**/LICENSE*",
          "**/LICENCE*",
          "**/License*",
          "**/license*",
          "**/COPYING*",
          "**/NOTICE*");

  private static final List<Preset> ALL = build();

  private Presets() {}

  private static List<Preset> build() {
    List<Preset> l = new ArrayList<>();
    l.add(
        new Preset(
            "package-manager-caches",
            SAFE,
            false,
            "downloaded packages and indexes are only read by the package manager, which refetches them",
            "the image runs the package manager offline (no network), or a tool reads these caches on purpose",
            List.of(
                CONDA_ROOT + "/pkgs",
                "/var/lib/apt/lists/*",
                "/var/cache/apt/*.bin",
                "/var/cache/apt/archives/*.deb",
                "/var/cache/apk/*",
                "/var/cache/{dnf,yum}",
                "**/.cache/pip",
                "**/.npm/_cacache",
                "**/.cache/yarn",
                "/usr/local/share/.cache/yarn",
                "**/.cache/go-build"),
            List.of()));
    l.add(
        new Preset(
            "docs",
            SAFE,
            false,
            "documentation, man and info pages are read by people, never by programs",
            "the image serves documentation (man, info, a docs web server); license files are always kept",
            List.of("**/share/doc", "**/share/man", "**/share/info", "**/share/gtk-doc"),
            List.of()));
    l.add(
        new Preset(
            "headers",
            SAFE,
            false,
            "C headers are only read by a compiler; skipped entirely when a C/C++ compiler is in the image",
            "something compiles at run time (pip building sdists, JIT/cffi, numba): keep headers with --keep",
            List.of(CONDA_ROOT + "/include", "/usr/include", "/usr/local/include"),
            List.of("**/include/python3*", "**/include/*/python3*", "**/pyconfig.h"),
            PresetExpansions.HEADERS));
    l.add(
        new Preset(
            "cross-toolchains",
            SAFE,
            false,
            "conda's compiler sysroots are only used by conda's compilers; skipped for roots that hold one",
            "a conda compiler is installed later or called by a path we do not see in the image",
            List.of(CONDA_ROOT + "/*-conda-linux-gnu"),
            List.of(),
            PresetExpansions.CROSS_TOOLCHAINS));
    l.add(
        new Preset(
            "jdk-src",
            SAFE,
            false,
            "the JDK's source archive is read by IDEs and debuggers, never by the JVM",
            "a tool in the image shows JDK sources (a debugger UI, a documentation generator)",
            List.of("**/lib/src.zip"),
            List.of()));
    l.add(
        new Preset(
            "pycache",
            null,
            true,
            "Python regenerates byte-code from the .py sources when it is missing",
            "the root filesystem is read-only (no regeneration: every start recompiles) or only .pyc files ship",
            List.of("**/__pycache__", "**/*.pyc"),
            List.of()));
    l.add(
        new Preset(
            "tests",
            null,
            true,
            "test suites shipped inside packages are not imported by the packages themselves; a tests directory"
                + " that a kept package __init__.py imports stays (astropy runs its test runner from there)",
            "a module other than a package's __init__.py imports a tests module at run time (keep it with --keep)",
            List.of("**/{site,dist}-packages/*/**/tests", "**/{site,dist}-packages/*/**/test"),
            // Django's test framework (TestCase, Client) is an API named "test", not a test suite.
            List.of("**/{site,dist}-packages/django/test")));
    l.add(
        new Preset(
            "jdk-jmods",
            null,
            true,
            "a JDK's jmods/ are read only by jlink (and jmod) to link a custom runtime; java and javac never read them",
            "the image runs jlink, for example as the builder stage of a multi-stage build",
            List.of("**/lib/jvm/*/jmods", "/opt/java/*/jmods", "/usr/java/*/jmods"),
            List.of()));
    l.add(
        new Preset(
            "static-libs",
            null,
            true,
            "static archives and libtool files are only read by a linker; with a C/C++ compiler in the image only"
                + " archives with a libX.so beside them go (-lX takes the .so): -ldl and libc_nonshared.a still link",
            "something links statically, or a compiler is added in a later build stage; toolchain dirs are kept",
            List.of("**/*.a", "**/*.la"),
            List.of(
                "**/lib/gcc",
                "**/lib/gcc-cross",
                "**/lib/clang",
                "**/lib/llvm*",
                "**/lib/rustlib",
                "**/*-conda-linux-gnu",
                "**/libexec/gcc"),
            PresetExpansions.STATIC_LIBS));
    l.add(
        new Preset(
            "locale",
            null,
            true,
            "message catalogues for other languages are only read when that language is selected",
            "users run the image with LANG set to another language (keep it with --keep)",
            List.of("**/share/locale/*"),
            List.of(
                "**/share/locale/C",
                "**/share/locale/C.*",
                "**/share/locale/en",
                "**/share/locale/en_*",
                "**/share/locale/en@*",
                "**/share/locale/locale.alias")));
    l.add(
        new Preset(
            "simd-variants",
            null,
            true,
            "library variants for CPU levels above --cpu-level are never loaded on the target CPUs",
            "the image runs on CPUs below --cpu-level, or on faster CPUs where the variants matter for speed",
            List.of(
                "**/glibc-hwcaps/x86-64-v{N+1..4}",
                "**/{lib,lib64,lib/*-linux-gnu}/haswell (level < v3)",
                "**/{lib,lib64,lib/*-linux-gnu}/{avx512_1,xeon_phi} (level < v4)",
                "<site-packages>/_polars_runtime_compat + polars_runtime_compat-*.dist-info"
                    + " (level >= v3, when _polars_runtime_64 or _32 is beside it)",
                "<site-packages>/_polars_runtime_{64,32} + their dist-info"
                    + " (level v2, when _polars_runtime_compat is beside them)"),
            List.of(),
            PresetExpansions.SIMD_VARIANTS));
    return List.copyOf(l);
  }

  /** Every preset, in priority order. */
  public static List<Preset> all() {
    return ALL;
  }

  /**
   * The preset with this name, or null ({@code safe} is not a preset of its own; see {@link
   * #SAFE}).
   */
  public static @Nullable Preset byName(String name) {
    for (Preset p : ALL) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** Every accepted {@code --preset} name: {@code safe} and each preset. */
  public static List<String> names() {
    List<String> out = new ArrayList<>();
    out.add(SAFE);
    for (Preset p : ALL) {
      out.add(p.name());
    }
    return out;
  }

  /** A human-readable listing for {@code ocisquash presets}: name, reason, when unsafe, globs. */
  public static String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("safe = ");
    List<String> safe = new ArrayList<>();
    for (Preset p : ALL) {
      if (SAFE.equals(p.group())) {
        safe.add(p.name());
      }
    }
    sb.append(String.join(" + ", safe)).append('\n');
    sb.append("License files are always kept: ")
        .append(String.join(" ", LICENSE_KEEPS))
        .append("\n\n");
    for (Preset p : ALL) {
      sb.append(p.name()).append(p.optIn() ? " (opt-in)" : " (in safe)").append('\n');
      sb.append("  why safe:    ").append(p.reason()).append('\n');
      sb.append("  unsafe when: ").append(p.unsafeWhen()).append('\n');
      sb.append("  removes:     ").append(String.join(" ", p.globs())).append('\n');
      if (!p.exceptions().isEmpty()) {
        sb.append("  except:      ").append(String.join(" ", p.exceptions())).append('\n');
      }
    }
    sb.append(CONDA_ROOT)
        .append(" = any directory that holds conda-meta/ (e.g. /opt/conda, /opt/conda/envs/x)\n");
    return sb.toString();
  }
}
