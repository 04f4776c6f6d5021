package dev.ocisquash.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocisquash.ImageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace file, reading raw logs, merging, the image runtime and the isolation choice. */
class TraceFormatTest {
  @TempDir Path dir;

  @Test
  void aTraceRoundTripsAndTracesMergeAsTheUnion() throws Exception {
    Trace a = new Trace(List.of(List.of("python3", "-c", "x")), new TreeSet<>(List.of("/b", "/a")));
    Trace b = new Trace(List.of(List.of("java")), new TreeSet<>(List.of("/c", "/a")));
    byte[] json = new ObjectMapper().writeValueAsBytes(a.toJson());
    assertEquals(a, Trace.fromJson("a.json", json));
    Trace m = Trace.merge(List.of(a, b));
    assertEquals(List.of("/a", "/b", "/c"), List.copyOf(m.paths()));
    assertEquals(2, m.commands().size());
  }

  @Test
  void aFileThatIsNeitherATraceNorALogIsOneLineNamingIt() throws Exception {
    Path bad = dir.resolve("t.json");
    Files.writeString(bad, "{\"format\":\"ocisquash-trace\",\"version\":7,\"paths\":[]}");
    ImageException e =
        assertThrows(ImageException.class, () -> TraceFiles.read(bad, new FakeRoot(), "/"));
    assertTrue(
        e.getMessage().startsWith(bad + ": trace format version 7 is not supported"),
        e.getMessage());
    Path log = dir.resolve("ci.log");
    Files.writeString(
        log, "1 execve(\"/bin/sh\", [\"sh\"], 0x1 /* 1 var */) = 0\nSegmentation fault\n");
    e = assertThrows(ImageException.class, () -> TraceFiles.read(log, new FakeRoot(), "/"));
    assertEquals(log + " line 2: cannot parse this strace line: not a system call", e.getMessage());
    Path none = dir.resolve("missing.log");
    e = assertThrows(ImageException.class, () -> TraceFiles.read(none, new FakeRoot(), "/"));
    assertEquals(none + ": no such trace file", e.getMessage());
  }

  @Test
  void aRawLogIsResolvedAgainstTheImageFromItsWorkingDir() throws Exception {
    Path log = dir.resolve("ci.log");
    Files.write(
        log, List.of("7 openat(AT_FDCWD, \"conf/app.yml\", O_RDONLY) = 3"), StandardCharsets.UTF_8);
    FakeRoot root =
        new FakeRoot().file("/srv/app/conf/real.yml", "").link("/srv/app/conf/app.yml", "real.yml");
    Trace t = TraceFiles.read(List.of(log), root, "/srv/app");
    assertEquals(
        List.of("/srv/app/conf/app.yml", "/srv/app/conf/real.yml"), List.copyOf(t.paths()));
  }

  @Test
  void theUserIsResolvedInTheImagesOwnFiles() throws Exception {
    ObjectMapper om = new ObjectMapper();
    String passwd = "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/srv:/bin/sh\n";
    String group = "root:x:0:\nstaff:x:50:\n";
    ImageRuntime r =
        ImageRuntime.of(
            om.readTree("{\"config\":{\"User\":\"app\",\"Env\":[\"A=1\"]}}"), passwd, group);
    assertEquals(new ImageRuntime(List.of("A=1"), "/", 1000, 1001), r);
    assertEquals(
        50,
        ImageRuntime.of(om.readTree("{\"config\":{\"User\":\"app:staff\"}}"), passwd, group).gid());
    assertEquals(
        4242,
        ImageRuntime.of(om.readTree("{\"config\":{\"User\":\"4242\"}}"), passwd, group).uid());
    ImageException e =
        assertThrows(
            ImageException.class,
            () ->
                ImageRuntime.of(om.readTree("{\"config\":{\"User\":\"nobody\"}}"), passwd, group));
    assertEquals(
        "image config: User 'nobody': no user 'nobody' in the image's /etc/passwd", e.getMessage());
  }

  @Test
  void withoutStraceOrANamespaceOneLineSaysWhatToDo() throws Exception {
    assertEquals(
        Isolation.ROOT_NAMESPACES,
        Isolation.choose(true, false, "/usr/bin/strace", "/usr/bin/unshare"));
    assertEquals(
        Isolation.USER_NAMESPACE,
        Isolation.choose(false, true, "/usr/bin/strace", "/usr/bin/unshare"));
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> Isolation.choose(false, false, "/usr/bin/strace", "/usr/bin/unshare"));
    assertTrue(
        e.getMessage().startsWith("ocisquash trace cannot isolate the command: not root"),
        e.getMessage());
    e =
        assertThrows(
            ImageException.class, () -> Isolation.choose(true, true, null, "/usr/bin/unshare"));
    assertTrue(
        e.getMessage().startsWith("ocisquash trace needs strace, which is not installed"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
