package dev.ocisquash.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.report.AnalyzeOptions;
import dev.ocisquash.report.Analyzer;
import dev.ocisquash.report.ImageAnalysis;
import dev.ocisquash.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the invoker build src/it/jib-squash left behind: Jib's tarball (the busybox sample's 3
 * layers + Jib's own), and ocisquash:squash's output beside it, one layer holding the app, stripped
 * of docs, dated by the project's outputTimestamp, and read by skopeo.
 */
@Tag("integration") // the invoker build's output
class JibSquashIT {
  private final Path target = Path.of(System.getProperty("it.dir"), "target");

  @Test
  void theSquashGoalShrankJibsTarballAfterJib() throws Exception {
    Path jib = target.resolve("jib-image.tar");
    Path squashed = target.resolve("jib-image-squashed.tar");
    assertTrue(Files.isRegularFile(jib), jib + " (jib:buildTar)");
    assertTrue(Files.isRegularFile(squashed), squashed + " (ocisquash:squash)");

    ImageAnalysis before = Analyzer.analyze(jib, AnalyzeOptions.defaults());
    ImageAnalysis after = Analyzer.analyze(squashed, AnalyzeOptions.defaults());
    assertTrue(
        before.layers().size() > 3, "the sample's 3 layers and Jib's: " + before.layers().size());
    assertEquals(1, after.layers().size());
    Set<String> paths = after.finalTree().stream().map(e -> e.path()).collect(Collectors.toSet());
    assertTrue(paths.contains("app/classes/app/Main.class"), paths.toString());
    assertTrue(paths.contains("bin/busybox"), paths.toString());
    assertFalse(paths.stream().anyMatch(p -> p.startsWith("usr/share/man")), "the safe preset ran");

    String config =
        Proc.of("skopeo", "inspect", "--config", "docker-archive:" + squashed).timeout(60).check();
    assertTrue(config.contains("\"created\": \"2026-01-01T00:00:00Z\""), config);
    assertTrue(config.contains("echo hello"), "Jib's entrypoint is kept: " + config);
  }
}
