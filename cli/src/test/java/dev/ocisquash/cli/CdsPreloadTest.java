package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdsPreloadTest {
  static List<String> names() throws Exception {
    try (InputStream in = CdsPreload.class.getResourceAsStream("cds-preload.txt")) {
      assertNotNull(in, "cds-preload.txt is in the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  /**
   * Every name still names a class of this build (on the JDK the build runs with): a class renamed
   * or dropped since the list was made would silently leave the archive without it.
   */
  @Test
  void everyListedClassLoadsAndTheListIsSortedWithoutGeneratedClasses() throws Exception {
    List<String> names = names();
    assertTrue(names.size() > 1000, "list of " + names.size());
    List<String> missing = new ArrayList<>();
    for (String n : names) {
      assertFalse(
          n.isBlank() || n.contains("$$Lambda") || n.contains("/0x") || n.contains("$Proxy"), n);
      try {
        Class.forName(n, false, CdsPreload.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        missing.add(n + " (" + e + ")");
      }
    }
    assertEquals(List.of(), missing, "regenerate with benchmarks/startup/cds-preload-list.sh");
    assertEquals(names.stream().sorted().distinct().toList(), names, "sorted, each once");
    // the registry client and the native codecs, which a squash of the sample never loads
    assertTrue(
        names.contains("org.apache.hc.client5.http.impl.classic.InternalHttpClient")
            && names.contains("com.sun.jna.Native"));
  }

  @Test
  void loadAllLoadsEveryListedClass() throws Exception {
    assertEquals(names().size(), CdsPreload.loadAll());
  }
}
