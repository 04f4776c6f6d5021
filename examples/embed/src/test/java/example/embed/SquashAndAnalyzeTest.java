package example.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.report.ImageAnalysis;
import dev.ocisquash.squash.Squasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example on the repository's sample image (a real 3-layer busybox image) through the public API, as a
 * named module on the module path.
 */
class SquashAndAnalyzeTest {
  @TempDir Path tmp;

  @Test
  void squashesStripsAndAnalyzesTheSample() throws Exception {
    Path sample = Path.of("../../testdata/sample/busybox-sample.tar").toAbsolutePath().normalize();
    Path out = tmp.resolve("out.tar");
    SquashAndAnalyze.Outcome o = SquashAndAnalyze.run(sample, out);

    assertEquals(3, o.before().layers().size());
    assertTrue(o.before().wastedBytes() > 0, "the sample hides bytes under later layers");
    assertEquals(1, o.squash().layersOut());
    assertEquals(1, o.after().layers().size());
    assertEquals("gzip", o.after().layers().get(0).compression());
    assertEquals(0, o.after().wastedBytes());
    assertTrue(Files.size(out) > 0);
    // The safe preset removed documentation and apt's package lists and nothing else; the license stays.
    Set<String> before = paths(o.before());
    Set<String> after = paths(o.after());
    assertTrue(before.containsAll(after), "nothing new appears");
    Set<String> gone = before.stream().filter(p -> !after.contains(p)).collect(Collectors.toSet());
    assertTrue(
        !gone.isEmpty()
            && gone.stream()
                .allMatch(p -> p.matches("usr/share/(doc|man)(/.*)?|var/lib/apt/lists/.*")),
        gone.toString());
    assertTrue(after.contains("usr/share/doc/busybox-static/copyright"), after.toString());
    assertEquals(o.squash().stripReport().getEntriesRemoved(), gone.size(), gone.toString());
  }

  @Test
  void runsAsANamedModuleAgainstCoresExportedPackages() {
    // Both on the module path (src/main/java/module-info.java), so the compile above saw only core's exports.
    assertEquals("example.embed", SquashAndAnalyze.class.getModule().getName());
    Module core = Squasher.class.getModule();
    assertEquals("dev.ocisquash.core", core.getName());
    assertTrue(core.isExported("dev.ocisquash.squash"));
    assertFalse(core.isExported("dev.ocisquash.layering"), "the re-layering engine is internal");
  }

  private static Set<String> paths(ImageAnalysis a) {
    return a.finalTree().stream().map(e -> e.path()).collect(Collectors.toSet());
  }
}
