package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals and faults, run against a real {@code java ... dev.ocisquash.cli.Main} subprocess because
 * signals and shutdown hooks cannot be tested in-process: SIGTERM mid-run, a full disk, an
 * unwritable destination, and the output being the input. Each must exit non-zero with one line,
 * leave no output and no temporary file, and never change the input.
 */
class FaultsCliTest {
  @TempDir Path tmp;

  private static Path sample() {
    return TestData.sample();
  }

  /** Starts the CLI in a fresh JVM with this test's classpath. */
  private static Process start(Path log, String... args) throws IOException {
    return Proc.java(List.of(), Main.class, args).start(log);
  }

  private Proc.Result cli(String... args) throws Exception {
    Path log = Files.createTempFile(tmp, "log", ".txt");
    Process p = start(log, args);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
    return new Proc.Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The output of a failed run: exactly one line, starting the way every error does. */
  private static String oneLine(Proc.Result r) {
    String out = r.output().strip();
    assertFalse(out.contains("\n"), "more than one line:\n" + out);
    assertFalse(out.contains("\tat "), "stack trace:\n" + out);
    assertTrue(out.startsWith("ocisquash: error: "), out);
    return out;
  }

  @Test
  void sigtermMidRunLeavesNothing() throws Exception {
    Path in = tmp.resolve("big.tar");
    Path work = Files.createDirectories(tmp.resolve("work"));
    TestImages.bigRandomImage(in, 150L << 20, work);
    String before = TestImages.sha256(in);
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path log = tmp.resolve("sigterm.log");
    // zlib gzip of 300 MB random bytes takes several seconds: a wide window to land the signal in
    // (ISA-L would
    // finish in about one).
    Process p =
        start(
            log,
            "squash",
            in.toString(),
            "-o",
            outDir.resolve("o.tar").toString(),
            "--compression",
            "gzip",
            "--gzip-encoder",
            "zlib");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (list(outDir).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "finished before the signal: " + Files.readString(log));
    assertFalse(list(outDir).isEmpty(), "no temporary file appeared");
    Thread.sleep(300); // well inside the run
    p.destroy(); // SIGTERM on Unix
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertNotEquals(0, p.exitValue());
    assertEquals(List.of(), list(outDir), "leftovers after SIGTERM");
    assertEquals(before, TestImages.sha256(in));
  }

  @Test
  @Tag("integration") // root: mounts a tmpfs
  void diskFullIsOneLineAndLeavesNothing() throws Exception {
    // 1 MiB: less than the 2 MiB squashed sample alone, so the write must fail whatever is or is
    // not spooled.
    Path mnt = Files.createDirectories(tmp.resolve("small"));
    assertTrue(mount(mnt, "size=1m"), "needs root to mount a tmpfs (CI runs as root)");
    try {
      String before = TestImages.sha256(sample());
      Path out = mnt.resolve("o.tar");
      Proc.Result r = cli("squash", sample().toString(), "-o", out.toString());
      assertEquals(7, r.exit(), r.output());
      String line = oneLine(r);
      assertTrue(line.contains(out.toString()), line);
      assertTrue(line.contains("No space left on device"), line);
      assertEquals(List.of(), list(mnt));
      assertEquals(before, TestImages.sha256(sample()));
    } finally {
      umount(mnt);
    }
  }

  /**
   * A re-layering writes its layers to temporary files on other threads: a full temporary directory
   * is still one line naming the file, and nothing is left in either place.
   */
  @Test
  @Tag("integration") // root: mounts a tmpfs
  void diskFullForTheTemporaryLayersOfAReLayeringIsOneLineAndLeavesNothing() throws Exception {
    // The sample's layers are uncompressed, read in place: nothing is spooled, and the layer blobs
    // (2 MiB) overflow.
    Path mnt = Files.createDirectories(tmp.resolve("small-temp"));
    assertTrue(mount(mnt, "size=1m"), "needs root to mount a tmpfs (CI runs as root)");
    try {
      String before = TestImages.sha256(sample());
      Path outDir = Files.createDirectories(tmp.resolve("relayer-out"));
      Path out = outDir.resolve("o.tar");
      Proc.Result r =
          cli(
              "squash",
              sample().toString(),
              "-o",
              out.toString(),
              "--max-layers",
              "4",
              "--threads",
              "2",
              "--temp-dir",
              mnt.toString());
      assertEquals(7, r.exit(), r.output());
      String line = oneLine(r);
      assertTrue(line.contains(out.toString()) && line.contains("temporary file " + mnt), line);
      assertTrue(line.contains("No space left on device"), line);
      assertEquals(List.of(), list(mnt));
      assertEquals(List.of(), list(outDir));
      assertEquals(before, TestImages.sha256(sample()));
    } finally {
      umount(mnt);
    }
  }

  @Test
  @Tag("integration") // root: mounts a tmpfs
  void readOnlyDestinationIsRefused() throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("ro"));
    assertTrue(mount(mnt, "ro,size=1m"), "needs root to mount a tmpfs (CI runs as root)");
    try {
      Path out = mnt.resolve("o.tar");
      Proc.Result r = cli("squash", sample().toString(), "-o", out.toString());
      assertEquals(7, r.exit(), r.output());
      String line = oneLine(r);
      assertTrue(line.contains(out.toString()) && line.contains("read-only"), line);
    } finally {
      umount(mnt);
    }
  }

  @Test
  void parentIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    Path out = file.resolve("o.tar");
    Proc.Result r = cli("squash", sample().toString(), "-o", out.toString());
    assertEquals(7, r.exit(), r.output());
    String line = oneLine(r);
    assertTrue(line.contains(out.toString()) && line.contains("not a directory"), line);
    assertEquals("x", Files.readString(file));
  }

  @Test
  void outputEqualToInputIsRefused() throws Exception {
    Path in = tmp.resolve("in.tar");
    Files.copy(sample(), in);
    String before = TestImages.sha256(in);
    // Also through another spelling of the same path.
    for (String out : List.of(in.toString(), tmp.resolve("x/../in.tar").toString())) {
      Files.createDirectories(tmp.resolve("x"));
      Proc.Result r = cli("squash", in.toString(), "-o", out);
      assertEquals(2, r.exit(), r.output());
      assertTrue(oneLine(r).contains("output is the input"), r.output());
      assertEquals(before, TestImages.sha256(in));
    }
    assertEquals(
        List.of("in.tar", "x"), list(tmp).stream().filter(n -> !n.startsWith("log")).toList());
  }

  private static boolean mount(Path dir, String opts) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    Proc.Result r =
        Proc.of(List.of("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir.toString()))
            .timeout(30)
            .run();
    return r.exit() == 0;
  }

  private static void umount(Path dir) throws Exception {
    Proc.of(List.of("umount", dir.toString())).timeout(30).run();
  }
}
