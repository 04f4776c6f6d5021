package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped launcher script ({@code cli/src/main/sh/ocisquash}, copied beside the shaded jar at
 * package time): it must run the jar beside it with its JVM defaults, let {@code
 * OCISQUASH_JAVA_OPTS} and {@code JAVA} override them, and fail clearly when the jar is missing.
 * The jar here is a thin one whose manifest class path points at this test's classes, so the real
 * CLI runs without waiting for the package phase, except in the CDS test, which needs the packaged
 * jar (an archive cannot hold classes from a directory).
 */
class LauncherTest {
  @TempDir Path tmp;

  private static final Path SCRIPT = Path.of("src/main/sh/ocisquash").toAbsolutePath();

  /**
   * Copies the script into {@code dir} and writes a thin {@code ocisquash.jar} that runs the CLI.
   */
  private Path install(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path script = dir.resolve("ocisquash");
    Files.copy(SCRIPT, script, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.ocisquash.cli.Main");
    StringBuilder cp = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      if (e.isEmpty()) {
        continue; // "a::b" or a trailing separator names no entry here
      }
      Path p = Path.of(e).toAbsolutePath();
      cp.append(p.toUri().toString()).append(' ');
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp.toString().trim());
    try (OutputStream o = Files.newOutputStream(dir.resolve("ocisquash.jar"));
        JarOutputStream j = new JarOutputStream(o, m)) {
      // the manifest is the whole jar
    }
    return script;
  }

  private static Proc.Result run(Map<String, String> env, String... cmd) throws Exception {
    // The thin jar's class path names directories, which a CDS archive cannot hold; the CDS tests
    // turn it on.
    return Proc.of(cmd)
        .unset("OCISQUASH_JAVA_OPTS")
        .env("OCISQUASH_CDS", "0")
        .env("JAVA", Proc.javaBin())
        .env(env)
        .timeout(120)
        .run();
  }

  @Test
  @Tag("integration") // skopeo
  void runsTheRealCliOnTheSample() throws Exception {
    Path script = install(tmp.resolve("bin"));
    Path out = tmp.resolve("out.tar");
    Proc.Result r =
        run(
            Map.of(),
            script.toString(),
            "squash",
            TestData.sample().toString(),
            "-o",
            out.toString(),
            "--timings");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("layers   3 -> 1"), r.output());
    // --timings: one line per stage, each layer read, the plan, the layer write and the image write
    assertEquals(6, r.output().lines().filter(l -> l.startsWith("timing ")).count(), r.output());
    assertTrue(r.output().contains("timing write layer"), r.output());
    assertEquals(
        6,
        r.output().lines().filter(l -> l.startsWith("timing ") && l.contains(" cpu ")).count(),
        r.output());
    assertTrue(Files.size(out) > 0);
    Proc.of("skopeo", "inspect", "docker-archive:" + out).timeout(60).check();
  }

  @Test
  void passesItsJvmDefaultsAndTheArgumentsUnchanged() throws Exception {
    Path script = install(tmp.resolve("bin dir"));
    Path fakeJava = tmp.resolve("fake-java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Proc.Result r =
        run(Map.of("JAVA", fakeJava.toString()), script.toString(), "squash", "a b", "-o", "c");
    assertEquals(0, r.exit(), r.output());
    List<String> args = new ArrayList<>();
    for (String line : r.output().lines().toList()) {
      args.add(line.substring(1, line.length() - 1));
    }
    int jar = args.indexOf("-jar");
    assertTrue(args.subList(0, jar).contains("-XX:+UseSerialGC"), args.toString());
    assertTrue(args.subList(0, jar).contains("-XX:Tier4BackEdgeThreshold=200000"), args.toString());
    assertEquals(script.getParent().resolve("ocisquash.jar").toString(), args.get(jar + 1));
    assertEquals(List.of("squash", "a b", "-o", "c"), args.subList(jar + 2, args.size()));

    Proc.Result custom =
        run(
            Map.of("JAVA", fakeJava.toString(), "OCISQUASH_JAVA_OPTS", "-Xmx1g"),
            script.toString(),
            "x");
    assertEquals(
        "[-Xmx1g]\n[-jar]\n[" + script.getParent().resolve("ocisquash.jar") + "]\n[x]\n",
        custom.output());
  }

  /**
   * The distribution's layout (bin/, lib/, lib/native/, runtime/): the bundled runtime runs even
   * when JAVA_HOME names another Java, JNA is pointed at lib/native, and a symlink to the script
   * (as in /usr/local/bin) finds it.
   */
  @Test
  void inTheDistributionLayoutRunsTheBundledRuntimeWithTheBundledCodecs() throws Exception {
    Path home = tmp.resolve("dist home");
    Path script = install(home.resolve("bin"));
    Files.createDirectories(home.resolve("lib/native"));
    Files.move(home.resolve("bin/ocisquash.jar"), home.resolve("lib/ocisquash.jar"));
    Path java = home.resolve("runtime/bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(
        java, "#!/bin/sh\necho bundled; for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path link = tmp.resolve("usr-local-bin/ocisquash");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, script);

    Map<String, String> env = new java.util.HashMap<>();
    env.put("JAVA", "");
    env.put("JAVA_HOME", tmp.resolve("some-other-jdk").toString());
    Proc.Result r = run(env, link.toString(), "squash", "a b");
    assertEquals(0, r.exit(), r.output());
    String nat = home.toRealPath().resolve("lib/native").toString();
    assertTrue(r.output().startsWith("bundled\n"), r.output());
    assertTrue(r.output().contains("[-Djna.library.path=" + nat + "]"), r.output());
    assertTrue(r.output().contains("[-Djna.boot.library.path=" + nat + "]"), r.output());
    assertTrue(
        r.output().contains("[-Docisquash.isal.library=" + nat + "/libisal.so.2]"), r.output());
    assertTrue(
        r.output()
            .endsWith(
                "[-jar]\n["
                    + home.toRealPath().resolve("lib/ocisquash.jar")
                    + "]\n[squash]\n[a b]\n"),
        r.output());
  }

  /**
   * With archives in the cache, the script passes both to java, with the JVM's CDS messages off.
   */
  @Test
  void usesTheCdsArchivesInTheCacheWhenTheyAreNewerThanJavaAndTheJar() throws Exception {
    Path script = install(tmp.resolve("bin"));
    Path fakeJava = tmp.resolve("fake-java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cache = tmp.resolve("cache/ocisquash");
    Files.createDirectories(cache);
    String key =
        (fakeJava + " " + script.getParent().resolve("ocisquash.jar"))
            .replace('/', '_')
            .replace(' ', '_');
    Path base = cache.resolve(key + ".base.jsa");
    Path top = cache.resolve(key + ".jsa");
    Files.writeString(base, "x");
    Files.writeString(top, "x");
    Map<String, String> env =
        Map.of(
            "JAVA",
            fakeJava.toString(),
            "OCISQUASH_CDS",
            "1",
            "XDG_CACHE_HOME",
            tmp.resolve("cache").toString());
    Proc.Result r = run(env, script.toString(), "--version");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("[-XX:SharedArchiveFile=" + base + ":" + top + "]"), r.output());
    assertTrue(r.output().contains("[-Xlog:cds=off]\n[-Xlog:cds+dynamic=off]\n[-jar]"), r.output());

    // the jar is newer than the archive: stale, so it is not used (and --version makes no new one)
    Files.setLastModifiedTime(top, java.nio.file.attribute.FileTime.fromMillis(0));
    Proc.Result stale = run(env, script.toString(), "--version");
    assertEquals(0, stale.exit(), stale.output());
    assertTrue(!stale.output().contains("SharedArchiveFile"), stale.output());
  }

  /**
   * The run that makes the CDS archive is a child of the launcher, not exec'd: a SIGTERM to the
   * launcher must reach it (so its clean-up runs and no output appears), and it reads the
   * launcher's stdin. The fake java records its pid and its first line of stdin, then waits.
   */
  @Test
  void aSignalToTheLauncherStopsTheJvmThatMakesTheArchive() throws Exception {
    Path script = install(tmp.resolve("bin"));
    Path fakeJava = tmp.resolve("fake-java");
    Path pidFile = tmp.resolve("java.pid");
    Path stdinFile = tmp.resolve("java.stdin");
    Files.writeString(
        fakeJava,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do case $a in\n"
            + "  -XX:SharedArchiveFile=*) f=${a#-XX:SharedArchiveFile=} ;;\n"
            + "  -Xshare:dump) dump=1 ;;\n"
            + "  -version) exit 0 ;;\n"
            + "esac; done\n"
            + "if [ -n \"$dump\" ]; then echo x > \"$f\"; exit 0; fi\n"
            + "read -r line; printf '%s\\n' \"$line\" > "
            + stdinFile
            + "\n"
            + "echo $$ > "
            + pidFile
            + ".tmp && mv "
            + pidFile
            + ".tmp "
            + pidFile
            + "\n"
            + "exec sleep 600\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path log = tmp.resolve("launcher.log");
    Path input = tmp.resolve("input");
    Files.writeString(input, "from-stdin\n");
    Process launcher =
        Proc.of(script.toString(), "squash", "in.tar", "-o", "out.tar")
            .unset("OCISQUASH_JAVA_OPTS")
            .env("JAVA", fakeJava.toString())
            .env("OCISQUASH_CDS", "1")
            .env("XDG_CACHE_HOME", tmp.resolve("cache").toString())
            .stdin(input)
            .start(log);
    while (!Files.exists(pidFile) && launcher.isAlive()) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(pidFile), "the java run never started: " + Proc.logTail(log));
    long javaPid = Long.parseLong(Files.readString(pidFile).trim());
    assertEquals("from-stdin\n", Files.readString(stdinFile));

    launcher.destroy(); // SIGTERM
    assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher waits for java to finish");
    assertEquals(143, launcher.exitValue(), Proc.logTail(log));
    Optional<ProcessHandle> java = ProcessHandle.of(javaPid);
    assertTrue(java.isEmpty() || java.get().onExit().get(60, TimeUnit.SECONDS) != null);
    try (var files = Files.list(tmp.resolve("cache/ocisquash"))) {
      List<String> left = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(1, left.size(), "only the finished base archive stays: " + left);
      assertTrue(left.get(0).endsWith(".base.jsa"), left.toString());
    }
  }

  /**
   * The real jar and java: the first squash makes the archives in the cache, the next ones use
   * them, a rebuilt jar makes them again, and none of it shows on stdout or stderr or changes the
   * result; an unwritable cache is no error.
   */
  @Test
  @Tag("integration") // the packaged jar
  void makesAndUsesCdsArchivesSilently() throws Exception {
    Path jar = Path.of("target/ocisquash.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "run the package phase first: " + jar);
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Files.copy(SCRIPT, bin.resolve("ocisquash"));
    Files.setPosixFilePermissions(
        bin.resolve("ocisquash"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.copy(jar, bin.resolve("ocisquash.jar"));
    Path cache = tmp.resolve("cache");
    Map<String, String> env = Map.of("OCISQUASH_CDS", "1", "XDG_CACHE_HOME", cache.toString());
    String sample = TestData.sample().toString();
    List<String> outputs = new ArrayList<>();
    List<Long> digests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (i == 2) { // a rebuilt jar: older archives
        try (var files = Files.list(cache.resolve("ocisquash"))) {
          for (Path p : files.toList()) {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(0));
          }
        }
      }
      Path out = tmp.resolve("out" + i + ".tar");
      Proc.Result r =
          run(
              env,
              bin.resolve("ocisquash").toString(),
              "squash",
              "-q",
              sample,
              "-o",
              out.toString());
      assertEquals(0, r.exit(), r.output());
      outputs.add(r.output());
      digests.add(Files.mismatch(out, tmp.resolve("out0.tar")));
      try (var files = Files.list(cache.resolve("ocisquash"))) {
        List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(2, names.size(), names.toString()); // no temporary file left behind
        assertTrue(
            names.get(0).endsWith(".base.jsa") && names.get(1).endsWith(".jar.jsa"),
            names.toString());
      }
    }
    assertEquals(List.of("", "", ""), outputs);
    assertEquals(List.of(-1L, -1L, -1L), digests);
    Path top;
    try (var files = Files.list(cache.resolve("ocisquash"))) {
      top = files.filter(p -> p.toString().endsWith(".jar.jsa")).findFirst().orElseThrow();
    }
    assertTrue(
        Files.getLastModifiedTime(top)
                .compareTo(Files.getLastModifiedTime(bin.resolve("ocisquash.jar")))
            >= 0,
        "the stale archive was made again");

    // The archive also holds what a squash of the sample never loads (CdsPreload): a registry
    // squash's HTTP client comes from it. Nothing listens on port 1, so the run fails after
    // building its client.
    Path classLog = tmp.resolve("classes.log");
    Proc.Result registry =
        run(
            Map.of(
                "OCISQUASH_CDS",
                "1",
                "XDG_CACHE_HOME",
                cache.toString(),
                "OCISQUASH_JAVA_OPTS",
                "-XX:+UseSerialGC -Xlog:class+load:file=" + classLog),
            bin.resolve("ocisquash").toString(),
            "squash",
            "-q",
            "docker://127.0.0.1:1/x:1",
            "-o",
            tmp.resolve("never.tar").toString());
    assertTrue(registry.output().contains("Connection refused"), registry.output());
    String loaded = Files.readString(classLog);
    assertTrue(
        loaded.contains(
            "org.apache.hc.client5.http.impl.classic.InternalHttpClient source: shared objects file"),
        loaded.lines().filter(l -> l.contains("InternalHttpClient")).toList().toString());

    Path notADir = tmp.resolve("not-a-dir");
    Files.writeString(notADir, "");
    Proc.Result r =
        run(
            Map.of("OCISQUASH_CDS", "1", "XDG_CACHE_HOME", notADir.toString()),
            bin.resolve("ocisquash").toString(),
            "squash",
            "-q",
            sample,
            "-o",
            tmp.resolve("out3.tar").toString());
    assertEquals(0, r.exit(), r.output());
    assertEquals("", r.output());
  }

  @Test
  void saysWhereTheJarShouldBeWhenItIsMissing() throws Exception {
    Path script = install(tmp.resolve("bin"));
    Files.delete(script.getParent().resolve("ocisquash.jar"));
    Proc.Result r = run(Map.of(), script.toString(), "--version");
    assertEquals(2, r.exit());
    assertTrue(r.output().contains("ocisquash.jar not found"), r.output());
  }
}
