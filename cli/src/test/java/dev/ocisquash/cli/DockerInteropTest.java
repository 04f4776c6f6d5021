package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Docker itself as the client, with both storage drivers a Docker user meets (overlay2, the
 * default, and vfs): an image is built by {@code docker build} from testdata/docker/Dockerfile,
 * saved with {@code docker save}, squashed to {@code --format docker}, loaded back with {@code
 * docker load} and run with {@code docker run}. Docker then exports a container of the original and
 * of the squashed image and the two trees are compared entry by entry (testdata/tools/treediff.py):
 * Docker, not ocisquash, applies the layers on both sides.
 *
 * <p>Every daemon is private (see {@link DockerDaemon}) and stopped in {@link #stopDaemons}, also
 * when a test fails.
 */
@Tag("integration") // dockerd, root
class DockerInteropTest {
  static final String BUILT = "ocisquash/docker-built:1";
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Checked inside the containers: files, owners, modes, hardlink identity, what must stay deleted.
   * Link counts and directory sizes are left out (overlay2 counts the hidden lower-layer names of a
   * hardlink), and so is /etc, where a running container has its own hostname, hosts and
   * resolv.conf.
   */
  static final String CHECK_SCRIPT =
      String.join(
          "\n",
          "sh /app/hello.sh",
          "find /d /x /app ! -type d -exec busybox stat -c '%n %F %a %u:%g %s' {} + | busybox sort",
          "find /d /x /app -type d -exec busybox stat -c '%n %a %u:%g' {} + | busybox sort",
          "cat /d/hl-b /d/d2f /d/opq/c /etc/passwd",
          "busybox md5sum /d/bb-link /d/keep/x /x/capfile /x/more /bin/busybox",
          "busybox readlink /d/sym",
          "[ /d/hl-b -ef /d/hl-c ] && echo hl-b-and-hl-c-linked",
          "for p in /d/hl-a /d/hl-b /d/gone.txt /etc/group /d/opq/a /d/opq/sub /var/lib/apt /usr/share/man; do",
          "  if [ -e $p ] || [ -L $p ]; then echo present $p; else echo absent $p; fi",
          "done");

  /**
   * Paths of a {@code docker export} that come from Docker's per-container init layer, not from the
   * image. Both containers are created from the same daemon and never started, so these are
   * identical on both sides and are compared like every other path; the test only checks they are
   * there, so this list stays true.
   */
  static final String[] RUNTIME_PATHS = {
    "/.dockerenv",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/mtab",
    "/dev/console",
    "/proc",
    "/sys"
  };

  static final Map<String, DockerDaemon> DAEMONS = new HashMap<>();
  static final Map<String, Built> BUILT_IMAGES = new HashMap<>();

  /**
   * The image docker built on one daemon: its {@code docker save} tar, id, diff_ids and exported
   * tree.
   */
  record Built(
      DockerDaemon docker,
      Path saved,
      String id,
      List<String> diffIds,
      Path exported,
      String runOutput) {}

  @AfterAll
  static void stopDaemons() throws Exception {
    AssertionError failures = null;
    for (DockerDaemon d : DAEMONS.values()) {
      try {
        d.close();
      } catch (Exception | AssertionError e) {
        failures =
            failures == null ? new AssertionError("stopping the Docker daemons failed") : failures;
        failures.addSuppressed(e);
      }
    }
    DAEMONS.clear();
    BUILT_IMAGES.clear();
    if (failures != null) {
      throw failures;
    }
  }

  static DockerDaemon daemon(String driver) throws Exception {
    DockerDaemon d = DAEMONS.get(driver);
    if (d == null) {
      d = DockerDaemon.start(driver);
      DAEMONS.put(driver, d);
    }
    return d;
  }

  static Built built(String driver) throws Exception {
    Built b = BUILT_IMAGES.get(driver);
    if (b != null) {
      return b;
    }
    DockerDaemon d = daemon(driver);
    d.docker(120, "load", "-i", TestData.sample().toString());
    Path context = d.dir("context");
    Files.copy(TestData.dir().resolve("docker/Dockerfile"), context.resolve("Dockerfile"));
    Proc.of(
            "python3",
            TestData.dir().resolve("docker/caps-tar.py").toString(),
            context.resolve("caps.tar").toString())
        .timeout(60)
        .check();
    d.docker(300, "build", "--network", "none", "-t", BUILT, context.toString());
    String id = imageId(d, BUILT);
    Path saved = d.dir("saved").resolve("built.tar");
    d.docker(120, "save", "-o", saved.toString(), BUILT);
    b = new Built(d, saved, id, diffIds(d, id), exportTree(d, id, "original"), run(d, id));
    BUILT_IMAGES.put(driver, b);
    return b;
  }

  /**
   * The layers docker wrote really hold what the other tests are about; without this they could
   * pass on an image that exercises nothing. overlay2 marks a refilled directory opaque; vfs (a
   * plain tree diff) never writes opaque markers, it whites out each old child instead.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlay2", "vfs"})
  void dockerBuildWritesWhiteoutsOpaqueDirsAndOrphanedHardlinks(String driver) throws Exception {
    Built b = built(driver);
    List<String[]> entries = layerEntries(b.saved());
    assertEquals(7, b.diffIds().size(), "3 sample layers + 4 built");
    int linkLayer = layerOf(entries, "h", "d/hl-b", "d/hl-a");
    int deleteLayer = layerOf(entries, null, "d/.wh.hl-a", null);
    assertTrue(deleteLayer > linkLayer, "the hardlink target is deleted in a later layer");
    assertEquals(
        linkLayer, layerOf(entries, "f", "d/hl-a", null), "d/hl-a is the layer's regular file");
    assertTrue(layerOf(entries, null, "etc/.wh.group", null) >= 3, "a base-layer file whited out");
    assertTrue(
        layerOf(entries, null, "var/lib/.wh.apt", null) >= 3, "a base-layer directory whited out");
    assertTrue(
        entries.stream()
            .anyMatch(e -> e[2].equals("x/capfile") && e[4].contains("security.capability")),
        "x/capfile carries security.capability");
    boolean opaque = entries.stream().anyMatch(e -> e[2].endsWith("/.wh..wh..opq"));
    if (driver.equals("overlay2")) {
      assertTrue(
          layerOf(entries, null, "d/opq/.wh..wh..opq", null) >= 3, "overlay2 marks d/opq opaque");
    } else {
      assertFalse(opaque, "vfs writes no opaque markers");
      assertEquals(deleteLayer, layerOf(entries, null, "d/opq/.wh.a", null));
      assertEquals(deleteLayer, layerOf(entries, null, "d/opq/.wh.sub", null));
    }
    String out = b.runOutput();
    for (String expected :
        new String[] {
          "hello from the ocisquash sample image",
          "/d/keep/x regular file 4750 1000:1000 2",
          "/d/keep 700 5:6",
          "/d/fifo fifo 644 0:0 0",
          "/d/d2f regular file 644 0:0 11",
          "/d/f2d 755 0:0",
          "/nowhere",
          "extra:x:1001:1001",
          "hl-b-and-hl-c-linked",
          "absent /d/hl-a",
          "present /d/hl-b",
          "absent /d/gone.txt",
          "absent /etc/group",
          "absent /d/opq/a",
          "absent /d/opq/sub",
          "absent /var/lib/apt",
          "present /usr/share/man"
        }) {
      assertTrue(
          out.contains(expected),
          "docker run of the original: expected " + expected + " in\n" + out);
    }
  }

  /**
   * A full squash, loaded by {@code docker load}, runs and exports to the same tree; one driver
   * gets a gzip layer, the other an uncompressed one (a layer is decompressed by Docker only when
   * its diff_id is new to the daemon). Not zstd: Docker 20.10 cannot read zstd layers
   * ("archive/tar: invalid tar header"); Docker 23 and later can.
   */
  @ParameterizedTest
  @CsvSource({"overlay2, gzip", "vfs, none"})
  void squashedImageLoadsRunsAndExportsTheSameTree(String driver, String compression)
      throws Exception {
    Built b = built(driver);
    Path out = b.docker().dir("full-" + compression).resolve("squashed.tar");
    squash(b, out, "--compression", compression);
    String id = loadRunAndCompare(b, out, "full-" + compression, null);
    assertEquals(1, diffIds(b.docker(), id).size());
  }

  /**
   * {@code --from N}: the kept layers are Docker's own, same diff_ids; the tree and the run are the
   * same.
   */
  @ParameterizedTest
  @CsvSource({"overlay2, 3", "overlay2, 5", "vfs, 3", "vfs, 5"})
  void partialSquashKeepsDockersLayers(String driver, int from) throws Exception {
    Built b = built(driver);
    Path out = b.docker().dir("from-" + from).resolve("squashed.tar");
    squash(b, out, "--from", Integer.toString(from));
    String id = loadRunAndCompare(b, out, "from-" + from, null);
    List<String> after = diffIds(b.docker(), id);
    assertEquals(from + 1, after.size(), "kept layers + 1 squashed");
    assertEquals(
        b.diffIds().subList(0, from), after.subList(0, from), "kept layers are byte-identical");
  }

  /**
   * The real-user case: a Docker-built image squashed with {@code --preset safe} still runs, minus
   * the docs.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlay2", "vfs"})
  void safePresetOnADockerBuiltImage(String driver) throws Exception {
    Built b = built(driver);
    Path dir = b.docker().dir("safe");
    Path out = dir.resolve("squashed.tar");
    Path report = dir.resolve("report.json");
    squash(b, out, "--preset", "safe", "--report-json", report.toString());
    Path allow = dir.resolve("allow.txt");
    List<String> removed = new ArrayList<>();
    for (JsonNode d : JSON.readTree(report.toFile()).path("decisions")) {
      if (d.path("action").asText().equals("removed")) {
        removed.add(d.path("path").asText());
      }
    }
    assertTrue(removed.contains("/usr/share/man"), "the docs rule removed something: " + removed);
    Files.write(allow, removed);
    loadRunAndCompare(b, out, "safe", allow);
  }

  static void squash(Built b, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "squash", b.saved().toString(), "-o", out.toString(), "--format", "docker", "-q"));
    args.addAll(List.of(extra));
    assertEquals(0, InteropTest.runCli(args.toArray(new String[0])), "ocisquash " + args);
  }

  /**
   * Loads {@code squashed} into the daemon, runs the check script in it and compares the output,
   * the runtime config and the exported tree with the original's. {@code allowMissing}: paths the
   * squash was asked to strip, or null. Returns the squashed image's id.
   */
  static String loadRunAndCompare(Built b, Path squashed, String name, Path allowMissing)
      throws Exception {
    DockerDaemon d = b.docker();
    String loaded = d.docker(300, "load", "-i", squashed.toString());
    assertTrue(loaded.contains("Loaded image: " + BUILT), loaded);
    String id = imageId(d, BUILT);
    assertNotEquals(b.id(), id, "docker load replaced the tag with the squashed image");
    String run = run(d, id);
    if (allowMissing == null) {
      assertEquals(b.runOutput(), run, "docker run output of original vs squashed");
    } else {
      assertEquals(b.runOutput().replace("present /usr/share/man", "absent /usr/share/man"), run);
    }
    assertEquals(
        d.docker(60, "inspect", "-f", "{{json .Config}}", b.id()),
        d.docker(60, "inspect", "-f", "{{json .Config}}", id),
        "runtime config");
    Path tree = exportTree(d, id, name);
    for (String p : RUNTIME_PATHS) {
      assertTrue(
          Files.exists(tree.resolve(p.substring(1)), LinkOption.NOFOLLOW_LINKS),
          p + " in the export");
    }
    List<String> cmd =
        new ArrayList<>(List.of("python3", TestData.dir().resolve("tools/treediff.py").toString()));
    if (allowMissing != null) {
      cmd.addAll(List.of("--allow-missing-file", allowMissing.toString()));
    }
    cmd.addAll(List.of(b.exported().toString(), tree.toString()));
    Proc.Result diff = Proc.of(cmd).timeout(300).run();
    assertEquals(
        0, diff.exit(), "docker export of original vs squashed (" + name + "):\n" + diff.output());
    return id;
  }

  static String run(DockerDaemon d, String id) throws Exception {
    return d.docker(120, "run", "--rm", "--network", "none", id, "sh", "-c", CHECK_SCRIPT);
  }

  /**
   * {@code docker create} + {@code docker export}, unpacked by GNU tar with owners, modes and
   * xattrs.
   */
  static Path exportTree(DockerDaemon d, String id, String name) throws Exception {
    Path dir = d.dir("export-" + name);
    String[] created = d.docker(60, "create", "--network", "none", id).strip().split("\n", -1);
    String container = created[created.length - 1].strip();
    try {
      d.docker(120, "export", "-o", dir.resolve("export.tar").toString(), container);
    } finally {
      d.docker(60, "rm", container);
    }
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Proc.of(
            "tar",
            "-xp",
            "--xattrs",
            "--xattrs-include=*",
            "--numeric-owner",
            "-f",
            dir.resolve("export.tar").toString(),
            "-C",
            tree.toString())
        .timeout(300)
        .check();
    return tree;
  }

  static String imageId(DockerDaemon d, String ref) throws Exception {
    return d.docker(60, "inspect", "-f", "{{.Id}}", ref).strip();
  }

  static List<String> diffIds(DockerDaemon d, String id) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(d.docker(60, "inspect", "-f", "{{json .RootFS.Layers}}", id))
        .forEach(l -> out.add(l.asText()));
    return out;
  }

  /**
   * Every entry of every layer, as testdata/tools/layer-entries.py (Python's tarfile) lists them.
   */
  static List<String[]> layerEntries(Path saved) throws Exception {
    String listing =
        Proc.of(
                "python3",
                TestData.dir().resolve("tools/layer-entries.py").toString(),
                saved.toString())
            .timeout(120)
            .check();
    List<String[]> out = new ArrayList<>();
    for (String line : listing.split("\n", -1)) {
      if (!line.isEmpty()) {
        out.add(line.split("\t", -1));
      }
    }
    return out;
  }

  /**
   * The layer index of the single entry with that name (and type and link name, when given); fails
   * if absent.
   */
  static int layerOf(List<String[]> entries, String type, String name, String link) {
    List<Integer> found = new ArrayList<>();
    for (String[] e : entries) {
      if (e[2].equals(name)
          && (type == null || e[1].equals(type))
          && (link == null || e[3].equals(link))) {
        found.add(Integer.parseInt(e[0]));
      }
    }
    assertEquals(
        1,
        found.size(),
        name + " (type " + type + ", link " + link + ") in the docker-built layers");
    return found.get(0);
  }
}
