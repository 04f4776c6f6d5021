package dev.ocisquash.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The strace log parser on real logs (see src/test/resources/trace/README.md for how they were
 * made).
 */
class StraceLogTest {
  static List<String> log(String name) throws IOException {
    try (InputStream in = StraceLogTest.class.getResourceAsStream("/trace/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  static StraceLog.Result read(String name) throws IOException {
    return StraceLog.read(name, log(name), new StraceLog.Options("/", null));
  }

  /** The fixture tree the logs were taken in, as far as the tests need it. */
  static FakeRoot fixture() {
    return new FakeRoot()
        .file("/tmp/tracefix/app/data/real.txt", "hi\n")
        .link("/tmp/tracefix/app/data/link.txt", "real.txt")
        .link("/tmp/tracefix/app/alias", "data")
        .link("/tmp/tracefix/app/data/dangling", "../app/lib/nothing")
        .file("/tmp/tracefix/app/unused.txt", "")
        .file("/usr/bin/cat", "\u007fELF")
        .file("/usr/bin/head", "\u007fELF");
  }

  @Test
  void aForkedChildInheritsTheWorkingDirectoryAndItsExecsAreRecorded() throws IOException {
    StraceLog.Result r = read("fork-exec.log");
    // the grandchild (fork of a fork) opened alias/link.txt relative to the cwd its grandparent
    // chdir'ed to
    assertTrue(r.paths().contains("/tmp/tracefix/app/alias/link.txt"), r.paths().toString());
    assertTrue(r.paths().contains("/tmp/tracefix/app/data/real.txt"));
    assertTrue(
        r.executed().containsAll(List.of("/usr/bin/sh", "/usr/bin/cat", "/usr/bin/head")),
        "" + r.executed());
    assertEquals(0, r.unresolved());

    Set<String> touched = new PathResolver(fixture()).touched(r);
    assertTrue(
        touched.containsAll(
            List.of(
                "/tmp/tracefix/app/alias",
                "/tmp/tracefix/app/data/link.txt",
                "/tmp/tracefix/app/data/real.txt",
                "/usr/bin/cat",
                "/usr/bin/head")),
        touched.toString());
    assertFalse(touched.contains("/tmp/tracefix/app/unused.txt"));
  }

  @Test
  void aFailingCommandStillRecordsWhatItLookedUpAndTheSymlinksOnTheWay() throws IOException {
    StraceLog.Result r = read("failing.log");
    assertTrue(r.paths().contains("/tmp/tracefix/app/data/dangling"));
    Set<String> touched = new PathResolver(fixture()).touched(r);
    assertTrue(
        touched.contains("/tmp/tracefix/app/data/dangling"),
        "the dangling link was read: " + touched);
    assertFalse(
        touched.contains("/tmp/tracefix/app/lib/nothing"), "what does not exist is not recorded");
    assertFalse(touched.contains("/tmp/tracefix/app/data/real.txt"));
  }

  @Test
  void withFdPathsADirectorySymlinkCwdResolvesToItsTarget() throws IOException {
    StraceLog.Result r = read("symlinks-y.log");
    // strace -y printed the cwd as the kernel sees it: .../data, not .../alias
    assertTrue(r.paths().contains("/tmp/tracefix/app/data/link.txt"), r.paths().toString());
    Set<String> touched = new PathResolver(fixture()).touched(r);
    assertTrue(
        touched.containsAll(List.of("/tmp/tracefix/app/alias", "/tmp/tracefix/app/data/real.txt")));
  }

  @Test
  void aChrootedRunCountsOnlyTheProcessesInsideTheRoot() throws IOException {
    StraceLog.Result r =
        StraceLog.read(
            "chroot-y.log", log("chroot-y.log"), new StraceLog.Options("/", "/tmp/tracefix/root"));
    // unshare's own host files (its locale, the host's ld.so.cache) are outside and do not count
    assertFalse(r.paths().contains("/usr/lib/locale/C.utf8/LC_CTYPE"), r.paths().toString());
    assertFalse(r.paths().contains("/usr/bin/unshare"));
    assertFalse(r.paths().contains("/tmp/tracefix/root"), "the chroot argument is a host path");
    assertTrue(
        r.paths().containsAll(List.of("/bin/sh", "/srv/link", "/nonexistent", "/etc/ld.so.cache")));
    assertTrue(r.executed().contains("/bin/sh"));
    FakeRoot root =
        new FakeRoot()
            .link("/bin", "usr/bin")
            .file("/usr/bin/sh", "#!/nothing\n")
            .file("/usr/bin/cat", "")
            .file("/srv/file", "x\n")
            .link("/srv/link", "file");
    Set<String> touched = new PathResolver(root).touched(r);
    assertTrue(
        touched.containsAll(
            List.of("/bin", "/usr/bin/sh", "/usr/bin/cat", "/srv/link", "/srv/file")),
        "" + touched);
  }

  @Test
  void unfinishedCallsAreJoinedWithTheirResumedHalf() throws ImageException {
    List<String> lines =
        List.of(
            "10 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 3 vars */) = 0",
            "10 chdir(\"/srv\") = 0",
            "10 vfork( <unfinished ...>",
            "11 openat(AT_FDCWD, \"child.txt\", O_RDONLY <unfinished ...>",
            "10 <... vfork resumed>) = 11",
            "11 <... openat resumed>) = 3",
            "11 newfstatat(3, \"rel\", 0x7ffe, 0) = -1 ENOENT (No such file or directory)",
            "10 renameat2(AT_FDCWD, \"a\", AT_FDCWD, \"/b\", RENAME_NOREPLACE <unfinished ...>",
            "10 <... renameat2 resumed>) = 0",
            "11 +++ exited with 0 +++",
            "10 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=11} ---");
    StraceLog.Result r = StraceLog.read("t.log", lines, new StraceLog.Options("/", null));
    assertEquals(
        new TreeSet<>(
            List.of("/bin/sh", "/srv", "/srv/child.txt", "/srv/child.txt/rel", "/srv/a", "/b")),
        new TreeSet<>(r.paths()));
  }

  @Test
  void quotedNamesAreDecodedAndTruncatedOnesSkipped() throws ImageException {
    List<String> lines =
        List.of(
            "openat(AT_FDCWD, \"/a\\\"b\\\\c\\x41\\303\\251\\n, x\", O_RDONLY) = -1 ENOENT (No such file)",
            "12:00:01.123456 stat(\"/very/long\"..., 0x1) = -1 ENAMETOOLONG (File name too long)",
            "[pid  7] access(\"/p(1)\", R_OK) = 0 <0.000010>");
    StraceLog.Result r = StraceLog.read("t.log", lines, new StraceLog.Options("/", null));
    assertEquals(List.of("/a\"b\\cA\u00e9\n, x", "/p(1)"), List.copyOf(r.paths()));
  }

  @Test
  void aLineThatIsNotStraceOutputIsOneErrorNamingFileAndLine() {
    for (String bad :
        List.of(
            "hello world",
            "10 openat(AT_FDCWD, \"/x, O_RDONLY) = 3",
            "10 openat(AT_FDCWD, \"/x\")",
            "{}")) {
      ImageException e =
          assertThrows(
              ImageException.class,
              () ->
                  StraceLog.read(
                      "ci.log",
                      List.of("1 chdir(\"/\") = 0", bad),
                      new StraceLog.Options("/", null)));
      assertTrue(
          e.getMessage().startsWith("ci.log line 2: cannot parse this strace line"),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }
}
