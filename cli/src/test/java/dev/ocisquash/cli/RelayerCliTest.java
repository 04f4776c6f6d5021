package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-layers}, {@code --prior} and {@code analyze --prior} from the command line, without
 * real tools.
 */
class RelayerCliTest {
  @TempDir Path tmp;

  private static Path sample() {
    return TestData.sample();
  }

  private static String stdout(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args), String.join(" ", args));
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void maxLayersOneIsTheDefaultSingleLayerSquash() throws Exception {
    Path a = tmp.resolve("a.tar");
    Path b = tmp.resolve("b.tar");
    Path json = tmp.resolve("one.json");
    assertEquals(0, Main.run("squash", sample().toString(), "-o", a.toString(), "-q"));
    assertEquals(
        0,
        Main.run(
            "squash",
            sample().toString(),
            "-o",
            b.toString(),
            "-q",
            "--max-layers",
            "1",
            "--report-json",
            json.toString()));
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(Files.exists(json), "no strip rules, one layer: nothing to report, as before");
  }

  @Test
  void summaryAndReportListTheLayersAndAPriorOfItselfChangesNothing() throws Exception {
    Path a = tmp.resolve("a.tar");
    Path json = tmp.resolve("a.json");
    String summary =
        stdout(
            "squash",
            sample().toString(),
            "-o",
            a.toString(),
            "--max-layers",
            "4",
            "--report-json",
            json.toString());
    assertTrue(summary.contains("re-layered into 3 of at most 4 layers"), summary);
    assertTrue(summary.contains("slot  1/4") && summary.contains("file:/bin/busybox"), summary);
    JsonNode layers = new ObjectMapper().readTree(json.toFile()).path("layers");
    assertEquals(3, layers.size());
    assertEquals(1, layers.get(0).path("slot").asInt());
    assertTrue(layers.get(0).path("groups").has("file:/bin/busybox"), layers.toString());
    assertEquals("metadata", layers.get(2).path("groups").fieldNames().next());

    Path b = tmp.resolve("b.tar");
    assertEquals(
        0,
        Main.run(
            "squash",
            sample().toString(),
            "-o",
            b.toString(),
            "-q",
            "--max-layers",
            "4",
            "--prior",
            a.toString()));
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  /**
   * With more than one thread the new layers are written several at once into temporary files; with
   * one, one after another straight into the output. Both must give the same bytes, for every
   * compression.
   */
  @Test
  void layersWrittenAtOnceEqualLayersWrittenInTurn() throws Exception {
    for (String compression : new String[] {"gzip", "zstd", "none"}) {
      Path inTurn = tmp.resolve("turn-" + compression + ".tar");
      Path atOnce = tmp.resolve("once-" + compression + ".tar");
      squashInTurnAndAtOnce(inTurn, atOnce, "--compression", compression);
      assertArrayEquals(Files.readAllBytes(inTurn), Files.readAllBytes(atOnce), compression);
    }
    try (var left = Files.list(tmp)) {
      assertEquals(6, left.count(), "no temporary layer file is left behind");
    }
  }

  /**
   * The same for a directory output, where layers written at once are added as their temporary
   * files: every file, its bytes, permissions and modification time.
   */
  @Test
  void aDirectoryOutputIsTheSameWrittenAtOnceOrInTurn() throws Exception {
    Path inTurn = tmp.resolve("turn");
    Path atOnce = tmp.resolve("once");
    squashInTurnAndAtOnce(inTurn, atOnce, "--format", "oci-dir", "--compression", "gzip");
    List<String> a = describe(inTurn);
    assertEquals(a, describe(atOnce));
    assertEquals(
        3 + 2, // three layers, the config and the manifest
        a.stream().filter(l -> l.startsWith("blobs/sha256/") && !l.endsWith(" dir")).count(),
        String.join("\n", a));
    try (var left = Files.list(tmp)) {
      assertEquals(2, left.count(), "no temporary layer file is left behind");
    }
  }

  /**
   * Squashes the sample with {@code --max-layers 4} and {@code options} twice: into {@code inTurn}
   * with one thread (layers one after another), into {@code atOnce} with three (several at once).
   */
  private static void squashInTurnAndAtOnce(Path inTurn, Path atOnce, String... options) {
    for (Path out : new Path[] {inTurn, atOnce}) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "squash", sample().toString(), "-o", out.toString(), "-q", "--max-layers", "4"));
      args.addAll(List.of(options));
      args.addAll(List.of("--threads", out == inTurn ? "1" : "3"));
      assertEquals(0, Main.run(args.toArray(new String[0])), String.join(" ", args));
    }
  }

  /** Each file and directory under {@code root}: relative path, permissions, mtime, SHA-256. */
  private static List<String> describe(Path root) throws Exception {
    List<String> out = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        String rel = root.relativize(p).toString();
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        long mtime = Files.getLastModifiedTime(p).toMillis();
        if (Files.isDirectory(p)) {
          out.add(rel + "/ " + perms + " " + mtime + " dir");
        } else {
          out.add(rel + " " + perms + " " + mtime + " " + TestImages.sha256(p));
        }
      }
    }
    return out;
  }

  @Test
  void badPriorsAreRefused() throws Exception {
    Path single = tmp.resolve("single.tar");
    assertEquals(0, Main.run("squash", sample().toString(), "-o", single.toString(), "-q"));
    Path out = tmp.resolve("out.tar");
    assertEquals(
        2,
        Main.run(
            "squash",
            sample().toString(),
            "-o",
            out.toString(),
            "--max-layers",
            "4",
            "--prior",
            single.toString()),
        "a prior without our annotations is not a prior");
    assertFalse(Files.exists(out), "a failure leaves nothing behind");
    Path four = tmp.resolve("four.tar");
    assertEquals(
        0,
        Main.run("squash", sample().toString(), "-o", four.toString(), "-q", "--max-layers", "4"));
    assertEquals(
        2,
        Main.run(
            "squash",
            sample().toString(),
            "-o",
            out.toString(),
            "--max-layers",
            "8",
            "--prior",
            four.toString()),
        "a prior laid out for another N");
    assertFalse(Files.exists(out));
    assertEquals(
        2,
        Main.run(
            "squash", sample().toString(), "-o", out.toString(), "--prior", single.toString()));
    assertEquals(
        2, Main.run("squash", sample().toString(), "-o", out.toString(), "--max-layers", "0"));
    Path missing = tmp.resolve("no-such-release.tar");
    CliTest.Run r =
        CliTest.cli(
            "squash",
            sample().toString(),
            "-o",
            out.toString(),
            "--max-layers",
            "4",
            "--prior",
            missing.toString());
    assertEquals(2, r.exit, r.err);
    assertTrue(
        r.err.contains(missing.toString()) && r.err.contains("--prior: no such file or directory"),
        r.err);
    assertFalse(Files.exists(out));
  }

  @Test
  void analyzeReportsTheRepullAndGatesOnIt() throws Exception {
    Path multi = tmp.resolve("multi.tar");
    Path single = tmp.resolve("single.tar");
    assertEquals(
        0,
        Main.run("squash", sample().toString(), "-o", multi.toString(), "-q", "--max-layers", "4"));
    assertEquals(0, Main.run("squash", sample().toString(), "-o", single.toString(), "-q"));
    String same =
        stdout(
            "analyze", "--prior", multi.toString(), multi.toString(), "--fail-if", "repull > 0%");
    assertTrue(same.contains("Re-pull: 0 B of "), same);
    assertTrue(same.contains("held") && same.contains("slot 3/4"), same);
    assertEquals(
        3,
        Main.run(
            "analyze",
            "-q",
            "--prior",
            multi.toString(),
            single.toString(),
            "--fail-if",
            "repull > 20%"));
    assertEquals(
        0,
        Main.run(
            "analyze",
            "-q",
            "--prior",
            single.toString(),
            single.toString(),
            "--fail-if",
            "repull>0"));
    assertEquals(
        2,
        Main.run("analyze", "-q", single.toString(), "--fail-if", "repull > 20%"),
        "needs --prior");
    assertEquals(
        2,
        Main.run(
            "analyze",
            "-q",
            single.toString(),
            "--prior",
            multi.toString(),
            "--fail-if",
            "repull>5MB"));
  }

  /**
   * In a partial squash, the package databases that live only in the kept layers still group the
   * new files.
   */
  @Test
  void aPartialSquashGroupsByTheDatabasesOfTheKeptLayers() throws Exception {
    byte[] base =
        TestImages.layer(
            "var/lib/dpkg/status", "Package: libfoo\nStatus: install ok installed\n\n",
            "var/lib/dpkg/info/libfoo.list", "/.\n/usr/lib/libfoo.so\n",
            "usr/lib/libfoo.so", "v1");
    byte[] top = TestImages.layer("usr/lib/libfoo.so", "v2", "app/x", "app");
    Path in = tmp.resolve("in.tar");
    Files.write(in, TestImages.dockerArchive(base, top));
    Path out = tmp.resolve("out.tar");
    Path json = tmp.resolve("out.json");
    assertEquals(
        0,
        Main.run(
            "squash",
            in.toString(),
            "-o",
            out.toString(),
            "-q",
            "--from",
            "1",
            "--allow-noop",
            "--max-layers",
            "4",
            "--report-json",
            json.toString()));
    JsonNode layers = new ObjectMapper().readTree(json.toFile()).path("layers");
    assertEquals(2, layers.size(), layers.toString());
    assertEquals(2L, layers.get(0).path("groups").path("deb:libfoo").asLong(-1), layers.toString());
    assertEquals(3L, layers.get(1).path("groups").path("unclaimed").asLong(-1), layers.toString());
  }
}
