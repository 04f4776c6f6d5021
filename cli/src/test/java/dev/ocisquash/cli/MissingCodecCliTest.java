package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine without the native codecs, simulated in a child JVM whose library overrides point at
 * files that do not exist: {@code --version} and the summary must say so in one plain line per
 * library, naming the Debian package, and squashing must still work on the JDK's zlib.
 */
class MissingCodecCliTest {
  @TempDir Path dir;

  private static final String NO_LIBDEFLATE =
      "-Docisquash.libdeflate.library=/nonexistent/libdeflate.so.0";
  private static final String NO_ISAL = "-Docisquash.isal.library=/nonexistent/libisal.so.2";

  private static String[] run(List<String> jvmOptions, String... args) throws Exception {
    return Proc.java(jvmOptions, Main.class, args)
        .timeout(120)
        .check()
        .lines()
        .toArray(String[]::new);
  }

  @Test
  void versionSaysWhichLibraryIsMissingAndWhichPackageInstallsIt() throws Exception {
    String[] lines = run(List.of(NO_LIBDEFLATE, NO_ISAL), "--version");
    String all = String.join("\n", lines);
    assertEquals(5, lines.length, all);
    assertTrue(lines[2].startsWith("gzip: JDK zlib Deflater level 6"), all);
    assertTrue(lines[3].startsWith("libdeflate is missing (libdeflate.so.0 not found): "), all);
    assertTrue(lines[3].endsWith("; install the Debian package libdeflate0"), all);
    assertTrue(lines[4].startsWith("ISA-L is missing (libisal.so.2 not found): "), all);
    assertTrue(lines[4].endsWith("; install the Debian package libisal2"), all);
    assertFalse(all.contains("UnsatisfiedLinkError"), all);

    String[] onlyIsal = run(List.of(NO_ISAL), "--version");
    assertEquals(4, onlyIsal.length, String.join("\n", onlyIsal));
    assertTrue(onlyIsal[2].startsWith("gzip: libdeflate (libdeflate.so.0) level 6"), onlyIsal[2]);
    assertTrue(onlyIsal[3].startsWith("ISA-L is missing"), onlyIsal[3]);

    String[] none = run(List.of(), "--version");
    assertEquals(3, none.length, String.join("\n", none));
  }

  @Test
  @Tag("integration") // skopeo
  void summarySaysSoAndTheSquashStillWorks() throws Exception {
    Path out = dir.resolve("o.tar");
    String[] lines =
        run(
            List.of(NO_LIBDEFLATE),
            "squash",
            TestData.sample().toAbsolutePath().toString(),
            "-o",
            out.toString(),
            "--compression",
            "gzip");
    String all = String.join("\n", lines);
    assertTrue(all.contains("gzip layers by ISA-L "), all);
    List<String> notes = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("  note     ")) {
        notes.add(l);
      }
    }
    assertEquals(1, notes.size(), all);
    assertTrue(notes.get(0).contains("libdeflate is missing (libdeflate.so.0 not found)"), all);
    assertTrue(notes.get(0).endsWith("install the Debian package libdeflate0"), all);
    Proc.of("skopeo", "inspect", "docker-archive:" + out).timeout(60).check();
  }
}
