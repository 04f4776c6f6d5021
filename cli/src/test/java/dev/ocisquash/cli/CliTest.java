package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, one-line errors and the summary of the command line. */
class CliTest {
  @TempDir Path dir;

  static final class Run {
    int exit;
    String out;
    String err;
  }

  static Run cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Run r = new Run();
    try {
      r.exit = Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    r.out = out.toString(StandardCharsets.UTF_8);
    r.err = err.toString(StandardCharsets.UTF_8);
    return r;
  }

  Path sample() {
    return TestData.sample();
  }

  @Test
  void squashPrintsASummary() {
    Path out = dir.resolve("o.tar");
    Run r = cli("squash", sample().toString(), "-o", out.toString());
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("layers   3 -> 1"), r.out);
    assertTrue(r.out.contains("dropped as shadowed"), r.out);
    assertTrue(Files.exists(out));
  }

  @Test
  @Tag("integration") // skopeo
  void gzipEncoderChoiceIsHonouredAndShown() throws Exception {
    Path isal = dir.resolve("isal.tar");
    Path zlib = dir.resolve("zlib.tar");
    Run a =
        cli(
            "squash",
            sample().toString(),
            "-o",
            isal.toString(),
            "--compression",
            "gzip",
            "--gzip-encoder",
            "isal");
    assertEquals(0, a.exit, a.err);
    assertTrue(a.out.contains("gzip layers by ISA-L "), a.out);
    Run b =
        cli(
            "squash",
            sample().toString(),
            "-o",
            zlib.toString(),
            "--compression",
            "gzip",
            "--gzip-encoder",
            "zlib");
    assertEquals(0, b.exit, b.err);
    assertTrue(b.out.contains("gzip layers by JDK zlib Deflater,"), b.out);
    // different deflate implementations: different layer bytes, so different manifests; both images
    // valid
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(isal), Files.readAllBytes(zlib)));
    Proc.of("skopeo", "inspect", "docker-archive:" + isal).timeout(60).check();
    Proc.of("skopeo", "inspect", "docker-archive:" + zlib).timeout(60).check();
    // The default at the default level is libdeflate; at --gzip-level 1 it is ISA-L (both installed
    // by CI).
    Path ld = dir.resolve("ld.tar");
    Run c = cli("squash", sample().toString(), "-o", ld.toString(), "--compression", "gzip");
    assertEquals(0, c.exit, c.err);
    assertTrue(c.out.contains("gzip layers by libdeflate (libdeflate.so.0),"), c.out);
    assertFalse(c.out.contains("note     "), c.out);
    Proc.of("skopeo", "inspect", "docker-archive:" + ld).timeout(60).check();
    Run fast =
        cli(
            "squash",
            sample().toString(),
            "-o",
            dir.resolve("l1.tar").toString(),
            "--compression",
            "gzip",
            "--gzip-level",
            "1");
    assertEquals(0, fast.exit, fast.err);
    assertTrue(fast.out.contains("gzip layers by ISA-L "), fast.out);
    Run bad =
        cli(
            "squash",
            sample().toString(),
            "-o",
            dir.resolve("x.tar").toString(),
            "--gzip-encoder",
            "lz4");
    assertEquals(2, bad.exit);
    assertTrue(bad.err.contains("--gzip-encoder must be auto, libdeflate, isal or zlib"), bad.err);
    assertFalse(Files.exists(dir.resolve("x.tar")));
  }

  @Test
  void usageErrorsExitWith2() {
    assertEquals(2, cli("squash").exit);
    assertEquals(2, cli("squash", sample().toString(), "-o", "x", "--format", "zip").exit);
    assertEquals(
        2, cli("squash", sample().toString(), "-o", "x", "--from", "1", "--keep-base").exit);
    assertEquals(2, cli("frobnicate").exit);
  }

  @Test
  void badInputIsOneLineWithItsExitCodeAndNoLeftovers() throws Exception {
    Path bad = dir.resolve("garbage.tar");
    Files.write(bad, "this is not an image".getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("out.tar");
    Run r = cli("squash", bad.toString(), "-o", out.toString());
    assertEquals(6, r.exit); // not an image archive: unsupported input
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("garbage.tar"), r.err);
    assertFalse(r.err.contains("\tat "), "no stack trace without --debug");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the input may remain");
    }
  }

  @Test
  void outOfRangeSquashPointIsAClearError() {
    Run r =
        cli("squash", sample().toString(), "-o", dir.resolve("o.tar").toString(), "--from", "7");
    assertEquals(2, r.exit);
    assertTrue(r.err.contains("--from 7 is out of range"), r.err);
    Run single =
        cli("squash", sample().toString(), "-o", dir.resolve("o.tar").toString(), "--from", "2");
    assertEquals(2, single.exit);
    assertTrue(single.err.contains("--allow-noop"), single.err);
    assertEquals(
        0,
        cli(
                "squash",
                sample().toString(),
                "-o",
                dir.resolve("o.tar").toString(),
                "--from",
                "2",
                "--allow-noop")
            .exit);
  }

  @Test
  void refusesToOverwriteTheInput() throws Exception {
    Path copy = dir.resolve("in.tar");
    Files.copy(sample(), copy);
    byte[] before = Files.readAllBytes(copy);
    Run r = cli("squash", copy.toString(), "-o", copy.toString());
    assertEquals(2, r.exit);
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(copy)));
  }

  /**
   * The squash point options exclude each other: a usage error (exit 2) before anything is read.
   */
  @Test
  void squashPointOptionsAreExclusive() {
    Run r =
        cli(
            "squash",
            sample().toString(),
            "-o",
            dir.resolve("x.tar").toString(),
            "--from",
            "1",
            "--keep-base");
    assertEquals(2, r.exit, r.err);
    assertTrue(r.err.contains("mutually exclusive"), r.err);
    assertFalse(Files.exists(dir.resolve("x.tar")));
    assertEquals(
        0,
        cli(
                "squash",
                sample().toString(),
                "-o",
                dir.resolve("y.tar").toString(),
                "--from",
                "1",
                "-q")
            .exit);
  }
}
