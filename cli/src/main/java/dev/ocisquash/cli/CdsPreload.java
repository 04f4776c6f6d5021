package dev.ocisquash.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Loads, without initialising, the classes that other commands use, at the end of the run that
 * makes the launcher's class-data archive ({@code -XX:ArchiveClassesAtExit}, which archives the
 * classes loaded when the JVM exits). Without it the archive holds only what that first command
 * loaded: after a local squash, a registry squash still loaded its HTTP client (about 300 classes,
 * 0.25 s) from the jar. The names are in {@code cds-preload.txt}, made by {@code
 * benchmarks/startup/cds-preload-list.sh}; a name that does not load (another JDK) is skipped.
 */
final class CdsPreload {
  /** The system property the launcher sets on the run that makes the archive. */
  static final String PROPERTY = "ocisquash.cds.preload";

  private CdsPreload() {}

  /** Loads every listed class it can; returns how many loaded. */
  static int loadAll() {
    int loaded = 0;
    ClassLoader loader = CdsPreload.class.getClassLoader();
    try (InputStream in = CdsPreload.class.getResourceAsStream("cds-preload.txt")) {
      if (in == null) {
        return 0;
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String name = r.readLine(); name != null; name = r.readLine()) {
        try {
          Class.forName(name, false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError e) {
          // not in this JDK or missing an optional dependency: nothing to archive
        }
      }
    } catch (IOException e) {
      // only a speed-up for later runs
    }
    return loaded;
  }
}
