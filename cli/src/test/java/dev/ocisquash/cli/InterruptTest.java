package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGINT) in the middle of a squash: exit 130, one line saying so, and no output left. */
class InterruptTest {
  @TempDir Path dir;

  @Test
  void anInterruptedSquashSaysSoAndLeavesNothing() throws Exception {
    Path in = dir.resolve("big.tar");
    TestImages.bigRandomImage(in, 96L << 20, Files.createDirectory(dir.resolve("work")));
    Path outDir = Files.createDirectory(dir.resolve("out"));
    Path err = dir.resolve("err.txt");
    Process p =
        Proc.java(
                List.of(),
                Main.class,
                "squash",
                "-q",
                in.toString(),
                "-o",
                outDir.resolve("o.tar").toString(),
                "--compression",
                "gzip",
                "--gzip-encoder",
                "zlib",
                "--gzip-level",
                "9",
                "--threads",
                "1")
            .startStderrTo(err);
    // Wait until the run writes beside its output, then interrupt it as Ctrl-C does.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (list(outDir).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "finished before it could be interrupted: " + Files.readString(err));
    Proc.of("kill", "-INT", Long.toString(p.pid())).timeout(30).check();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
    assertEquals(130, p.exitValue(), stderr);
    assertEquals("ocisquash: interrupted: nothing was written", stderr);
    assertEquals(List.of(), list(outDir));
  }

  private static List<Path> list(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }
}
