package dev.ocisquash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compiled module descriptor (module-info.class in target/classes): which packages a
 * module-path user of {@code dev.ocisquash.core} sees. The tests themselves run on the class path.
 */
class ModuleDescriptorTest {
  /**
   * The API: what a user meets when squashing and analyzing, with their options, results and
   * errors.
   */
  private static final Set<String> EXPORTED =
      Set.of(
          "dev.ocisquash",
          "dev.ocisquash.archive",
          "dev.ocisquash.compress",
          "dev.ocisquash.model",
          "dev.ocisquash.packages",
          "dev.ocisquash.registry",
          "dev.ocisquash.report",
          "dev.ocisquash.squash",
          "dev.ocisquash.strip",
          "dev.ocisquash.tar",
          "dev.ocisquash.trace");

  /** Packages no exported signature needs. */
  private static final Set<String> INTERNAL = Set.of("dev.ocisquash.layering");

  /**
   * Known exported signatures that name a type users cannot access. SquashPlanner is public only
   * for PathTableBenchmark (benchmarks/), which ignores the Offer that {@code offer} returns.
   */
  private static final Set<String> KNOWN_LEAKS =
      Set.of("dev.ocisquash.squash.SquashPlanner$Offer -> dev.ocisquash.squash.FileObject");

  private static Path classesDir() throws Exception {
    return Path.of(
        ImageException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static ModuleDescriptor descriptor() throws Exception {
    return ModuleFinder.of(classesDir())
        .find("dev.ocisquash.core")
        .orElseThrow(
            () -> new AssertionError("no module dev.ocisquash.core in the compiled classes"))
        .descriptor();
  }

  @Test
  void exportsExactlyTheApiPackages() throws Exception {
    ModuleDescriptor d = descriptor();
    assertFalse(d.isOpen() || d.isAutomatic(), "an explicit, closed module");
    assertEquals(Set.of(), d.opens(), "nothing opened for reflection");
    Set<String> exported = new TreeSet<>();
    for (Exports e : d.exports()) {
      assertFalse(e.isQualified(), e + " is exported to everyone or not at all");
      exported.add(e.source());
    }
    assertEquals(new TreeSet<>(EXPORTED), exported);
    // A new package has to be placed on one side or the other.
    Set<String> internal = new TreeSet<>(d.packages());
    internal.removeAll(exported);
    assertEquals(new TreeSet<>(INTERNAL), internal);
  }

  @Test
  void requiresTheLibrariesItUses() throws Exception {
    Map<String, Set<Requires.Modifier>> requires =
        descriptor().requires().stream()
            .collect(Collectors.toMap(Requires::name, Requires::modifiers));
    assertEquals(
        Map.of(
            "java.base", Set.of(Requires.Modifier.MANDATED),
            // Its tree types (ObjectNode, JsonNode) are in exported signatures.
            "com.fasterxml.jackson.databind", Set.of(Requires.Modifier.TRANSITIVE),
            // @NullMarked/@Nullable in the API: read by users' compilers, not needed at run time.
            "org.jspecify", Set.of(Requires.Modifier.STATIC, Requires.Modifier.TRANSITIVE),
            "com.github.luben.zstd_jni", Set.of(),
            // Registry HTTP; no Apache type is in an exported signature, so not transitive.
            "org.apache.httpcomponents.client5.httpclient5", Set.of(),
            "org.apache.httpcomponents.core5.httpcore5", Set.of(),
            "com.sun.jna", Set.of()),
        requires);
  }

  /**
   * Every type named by a public or protected member of an accessible type in a package the
   * descriptor exports is accessible too (javac -Xlint:exports, kept as a test).
   */
  @Test
  void exportedSignaturesNameOnlyExportedTypes() throws Exception {
    Set<String> exported =
        descriptor().exports().stream().map(Exports::source).collect(Collectors.toSet());
    Path classes = classesDir();
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names =
          files
              .map(p -> classes.relativize(p).toString())
              .filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .filter(n -> exported.contains(n.substring(0, n.lastIndexOf('.'))))
              .sorted()
              .collect(Collectors.toList());
    }
    assertTrue(names.size() > 50, names.toString());
    Set<String> leaks = new TreeSet<>();
    for (String name : names) {
      Class<?> c = Class.forName(name, false, getClass().getClassLoader());
      if (!accessible(c)) {
        continue;
      }
      List<Type> used = new ArrayList<>();
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
          addSignature(m, used);
          used.add(m.getGenericReturnType());
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers()) && !k.isSynthetic()) {
          addSignature(k, used);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers()) && !f.isSynthetic()) {
          used.add(f.getGenericType());
        }
      }
      Set<Class<?>> named = new LinkedHashSet<>();
      for (Type t : used) {
        collect(t, named, new HashSet<>());
      }
      for (Class<?> u : named) {
        if (u.getName().startsWith("dev.ocisquash.")
            && !(exported.contains(u.getPackageName()) && accessible(u))) {
          leaks.add(c.getName() + " -> " + u.getName());
        }
      }
    }
    assertEquals(new TreeSet<>(KNOWN_LEAKS), leaks);
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Public, and every enclosing class public. */
  private static boolean accessible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static void addSignature(Executable e, List<Type> used) {
    used.addAll(List.of(e.getGenericParameterTypes()));
    used.addAll(List.of(e.getGenericExceptionTypes()));
    for (TypeVariable<?> v : e.getTypeParameters()) {
      used.addAll(List.of(v.getBounds()));
    }
  }

  private static void collect(Type t, Set<Class<?>> out, Set<Type> seen) {
    if (!seen.add(t)) {
      return;
    }
    if (t instanceof Class<?> c) {
      out.add(c.isArray() ? c.componentType() : c);
      if (c.isArray()) {
        collect(c.componentType(), out, seen);
      }
    } else if (t instanceof ParameterizedType p) {
      collect(p.getRawType(), out, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, out, seen);
      }
    } else if (t instanceof GenericArrayType g) {
      collect(g.getGenericComponentType(), out, seen);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, out, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, out, seen);
      }
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        collect(b, out, seen);
      }
    }
  }
}
