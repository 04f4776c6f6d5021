package dev.ocisquash.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.packages.TreeFiles;
import dev.ocisquash.strip.MapFileTree;
import dev.ocisquash.strip.TreeNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Grouping by owner, on in-memory trees shaped like the real package databases. */
class GroupingTest {
  private static Component deb(String n) {
    return Component.of(Source.DEB, n);
  }

  private static MapFileTree debian() {
    return new MapFileTree()
        .text(
            "/var/lib/dpkg/status",
            "Package: libssl3\nStatus: install ok installed\nVersion: 3.0.17-1\n\n"
                + "Package: bash\nStatus: install ok installed\nConffiles:\n /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d\n"
                + " /etc/skel/.bashrc aaa obsolete\nVersion: 5.2\n\n"
                + "Package: gone\nStatus: deinstall ok not-installed\n\n")
        .text(
            "/var/lib/dpkg/info/libssl3:amd64.list",
            "/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n/usr/lib/missing.so\n")
        .text(
            "/var/lib/dpkg/info/libssl3:amd64.md5sums", "x  usr/lib/x86_64-linux-gnu/libssl.so.3\n")
        .text("/var/lib/dpkg/info/libssl3:amd64.triggers", "activate-noawait ldconfig\n")
        .text(
            "/var/lib/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n/usr/share/doc/bash/copyright\n")
        .text("/var/lib/dpkg/info/gone.list", "/usr/bin/gone\n")
        .file("/usr/lib/x86_64-linux-gnu/libssl.so.3", 700_000)
        .file("/bin/bash", 1_200_000)
        .text("/etc/bash.bashrc", "# rc\n")
        .text("/etc/skel/.bashrc", "# skel\n")
        .text("/usr/share/doc/bash/copyright", "GPL\n")
        .text("/usr/bin/gone", "left behind\n")
        .text("/var/log/dpkg.log", "log\n")
        .text("/etc/ld.so.cache", "cache\n")
        .text("/var/cache/debconf/config.dat", "x\n")
        .file("/app/data/model.bin", 5_000_000)
        .text("/app/main.py", "print()\n");
  }

  @Test
  void dpkgClaimsListedFilesConffilesAndItsOwnControlFiles() throws Exception {
    Grouping g = Grouping.of(debian(), Grouping.DEFAULT_BIG_FILE);
    assertEquals(deb("libssl3:amd64"), g.ownerOf("/usr/lib/x86_64-linux-gnu/libssl.so.3"));
    assertEquals(deb("libssl3:amd64"), g.ownerOf("/var/lib/dpkg/info/libssl3:amd64.md5sums"));
    assertEquals(deb("libssl3:amd64"), g.ownerOf("/var/lib/dpkg/info/libssl3:amd64.triggers"));
    assertEquals(
        deb("bash"), g.ownerOf("/bin/bash"), "over the big-file threshold, still the package's");
    assertEquals(deb("bash"), g.ownerOf("/etc/bash.bashrc"));
    assertEquals(
        deb("bash"), g.ownerOf("/etc/skel/.bashrc"), "a conffile in status but not in the list");
    assertEquals(deb("bash"), g.ownerOf("/var/lib/dpkg/info/bash.list"));
    assertEquals(
        Component.UNCLAIMED, g.ownerOf("/usr/bin/gone"), "a not-installed package claims nothing");
    assertEquals(Component.METADATA, g.ownerOf("/var/lib/dpkg/info/gone.list"));
    assertEquals(Component.METADATA, g.ownerOf("/var/lib/dpkg/status"));
    assertEquals(Component.METADATA, g.ownerOf("/var/log/dpkg.log"));
    assertEquals(Component.METADATA, g.ownerOf("/etc/ld.so.cache"));
    assertEquals(Component.METADATA, g.ownerOf("/var/cache/debconf/config.dat"));
    assertEquals(
        Component.of(Source.BIG_FILE, "/app/data/model.bin"), g.ownerOf("/app/data/model.bin"));
    assertEquals(Component.UNCLAIMED, g.ownerOf("/app/main.py"));
    assertNull(g.ownerOf("/usr/lib"), "directories belong to no group");
    assertNull(g.ownerOf("/usr/bin/never-there"), "nor does a path the tree lacks");
    assertEquals(
        1_200_000L + 5 + 7 + 4 + "/.\n/bin\n/bin/bash\n/usr/share/doc/bash/copyright\n".length(),
        g.sizes().get(deb("bash")));
  }

  /**
   * The walk in tree order answers as the lookup does: for every node, for a subsequence with the
   * directories and some files left out, for paths the tree lacks, and once a path comes out of
   * order (then for every later path too).
   */
  @Test
  void theWalkInTreeOrderAnswersAsTheLookupDoes() throws Exception {
    MapFileTree t = debian();
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    List<String> paths = new ArrayList<>();
    t.nodes().forEach(n -> paths.add(n.path()));
    assertTrue(paths.size() > 20, "the tree has its directories too: " + paths);

    Function<String, @Nullable Component> all = g.inTreeOrder();
    for (String p : paths) {
      assertEquals(g.ownerOf(p), all.apply(p), p);
    }

    Function<String, @Nullable Component> some = g.inTreeOrder();
    Set<Component> seen = new HashSet<>();
    for (int i = 0; i < paths.size(); i++) {
      String p = paths.get(i);
      if (i % 3 == 1 || t.get(p).isDirectory()) {
        assertEquals(g.ownerOf(p), some.apply(p), p);
        assertNull(some.apply(p + "/not-there"), "a path the tree lacks, between");
      }
      Component c = g.ownerOf(p);
      if (c != null) {
        seen.add(c);
      }
    }
    assertTrue(seen.size() >= 4, "several groups walked: " + seen);

    Function<String, @Nullable Component> back = g.inTreeOrder();
    String last = paths.get(paths.size() - 1);
    assertEquals(g.ownerOf(last), back.apply(last));
    for (String p : paths) { // every one of these comes before the last: out of order
      assertEquals(g.ownerOf(p), back.apply(p), p);
    }
  }

  /** Unclaimed paths have no entry of their own in the grouping; their bytes are one group's. */
  @Test
  void unclaimedPathsCountTogether() throws Exception {
    MapFileTree t = debian();
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    long unclaimed = 0;
    int paths = 0;
    for (TreeNode n : t.nodes()) {
      if (Component.UNCLAIMED.equals(g.ownerOf(n.path()))) {
        unclaimed += n.isRegular() ? n.size() : 0;
        paths++;
      }
    }
    assertEquals(2, paths, "/usr/bin/gone and /app/main.py");
    assertEquals(unclaimed, g.sizes().get(Component.UNCLAIMED));
    assertEquals(
        (long) "left behind\n".length() + "print()\n".length(), g.sizes().get(Component.UNCLAIMED));
  }

  @Test
  void onAMergedUsrSystemListedPathsAreFoundThroughTheTopLevelLinks() throws Exception {
    MapFileTree t =
        new MapFileTree()
            .text(
                "/var/lib/dpkg/status",
                "Package: bash\nStatus: install ok installed\n\n"
                    + "Package: libc6\nStatus: install ok installed\n\n")
            .text("/var/lib/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n/bin/rbash\n")
            .text(
                "/var/lib/dpkg/info/libc6:amd64.list",
                "/lib/x86_64-linux-gnu/libc.so.6\n/lib64/ld.so\n")
            .symlink("/bin", "usr/bin")
            .symlink("/lib", "/usr/lib")
            .symlink("/lib64", "lib")
            .file("/usr/bin/bash", 1_200_000)
            .symlink("/usr/bin/rbash", "bash")
            .file("/usr/lib/x86_64-linux-gnu/libc.so.6", 2_000_000)
            .text("/usr/lib/ld.so", "elf")
            .symlink("/loop", "loop");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    assertEquals(deb("bash"), g.ownerOf("/usr/bin/bash"));
    assertEquals(
        deb("bash"),
        g.ownerOf("/usr/bin/rbash"),
        "the last name, a symlink itself, is not followed");
    assertEquals(deb("libc6:amd64"), g.ownerOf("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    assertEquals(
        deb("libc6:amd64"), g.ownerOf("/usr/lib/ld.so"), "a relative link to an absolute link");
    assertNull(TreeFiles.throughLinks(t, "/loop/x"), "a loop resolves to nothing");
  }

  @Test
  void bytecodeJoinsTheGroupOfItsSource() throws Exception {
    MapFileTree t =
        new MapFileTree()
            .text("/var/lib/dpkg/status", "Package: python3.11\nStatus: install ok installed\n\n")
            .text("/var/lib/dpkg/info/python3.11.list", "/usr/lib/python3.11/os.py\n")
            .text("/usr/lib/python3.11/os.py", "import sys\n")
            .text("/usr/lib/python3.11/__pycache__/os.cpython-311.pyc", "bytecode")
            .text("/usr/lib/python3.11/__pycache__/os.cpython-311.opt-1.pyc", "bytecode")
            .text("/usr/lib/python3.11/__pycache__/mine.cpython-311.pyc", "bytecode")
            .text("/usr/lib/python3.11/os.pyc", "not in __pycache__");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    Component py = deb("python3.11");
    assertEquals(py, g.ownerOf("/usr/lib/python3.11/__pycache__/os.cpython-311.pyc"));
    assertEquals(py, g.ownerOf("/usr/lib/python3.11/__pycache__/os.cpython-311.opt-1.pyc"));
    assertEquals(
        Component.UNCLAIMED, g.ownerOf("/usr/lib/python3.11/__pycache__/mine.cpython-311.pyc"));
    assertEquals(Component.UNCLAIMED, g.ownerOf("/usr/lib/python3.11/os.pyc"));
  }

  @Test
  void apkStanzasClaimTheirFiles() throws Exception {
    MapFileTree t =
        new MapFileTree()
            .text(
                "/lib/apk/db/installed",
                "C:Q1abc=\nP:musl\nV:1.2.4-r2\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nR:libc.musl-x86_64.so.1\n\n"
                    + "P:busybox\nV:1.36\nF:bin\nR:busybox\nF:etc\nR:securetty\n")
            .text("/lib/ld-musl-x86_64.so.1", "elf")
            .symlink("/lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
            .text("/bin/busybox", "elf")
            .text("/etc/securetty", "console\n");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    assertEquals(Component.of(Source.APK, "musl"), g.ownerOf("/lib/ld-musl-x86_64.so.1"));
    assertEquals(Component.of(Source.APK, "musl"), g.ownerOf("/lib/libc.musl-x86_64.so.1"));
    assertEquals(Component.of(Source.APK, "busybox"), g.ownerOf("/bin/busybox"));
    assertEquals(Component.of(Source.APK, "busybox"), g.ownerOf("/etc/securetty"));
    assertEquals(Component.METADATA, g.ownerOf("/lib/apk/db/installed"));
  }

  @Test
  void pythonRecordsAndEggInfoClaimRelativePaths() throws Exception {
    String site = "/usr/local/lib/python3.11/site-packages";
    MapFileTree t =
        new MapFileTree()
            .text(
                site + "/Foo_Bar-1.2.dist-info/RECORD",
                "foo_bar/__init__.py,sha256=x,10\n\"foo_bar/odd,name.py\",sha256=y,3\n../../../bin/foo,,\n"
                    + "Foo_Bar-1.2.dist-info/RECORD,,\n")
            .text(site + "/foo_bar/__init__.py", "x")
            .text(site + "/foo_bar/odd,name.py", "y")
            .script("/usr/local/bin/foo", "#!/usr/bin/python3\n")
            .text(
                "/usr/lib/python3/dist-packages/old-0.1.egg-info/installed-files.txt",
                "../old/__init__.py\nPKG-INFO\n")
            .text("/usr/lib/python3/dist-packages/old-0.1.egg-info/PKG-INFO", "Name: old\n")
            .text("/usr/lib/python3/dist-packages/old/__init__.py", "");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    Component foo = Component.of(Source.PYTHON, "foo-bar");
    assertEquals(foo, g.ownerOf(site + "/foo_bar/__init__.py"));
    assertEquals(foo, g.ownerOf(site + "/foo_bar/odd,name.py"));
    assertEquals(foo, g.ownerOf("/usr/local/bin/foo"));
    assertEquals(foo, g.ownerOf(site + "/Foo_Bar-1.2.dist-info/RECORD"));
    Component old = Component.of(Source.PYTHON, "old");
    assertEquals(old, g.ownerOf("/usr/lib/python3/dist-packages/old/__init__.py"));
    assertEquals(old, g.ownerOf("/usr/lib/python3/dist-packages/old-0.1.egg-info/PKG-INFO"));
    assertEquals(
        old, g.ownerOf("/usr/lib/python3/dist-packages/old-0.1.egg-info/installed-files.txt"));
  }

  @Test
  void condaRecordsAreReadPerEnvironment() throws Exception {
    MapFileTree t =
        new MapFileTree()
            .text(
                "/opt/conda/conda-meta/numpy-1.26.4-py311h.json",
                "{\"build\":\"py311h\",\"files\":[\"lib/python3.11/site-packages/numpy/__init__.py\",\"bin/f2py\"],"
                    + "\"name\":\"numpy\",\"depends\":[\"python\"]}")
            .text("/opt/conda/conda-meta/history", "==> 2024 <==\n")
            .text("/opt/conda/conda-meta/broken-1.json", "{\"name\": ")
            .text("/opt/conda/lib/python3.11/site-packages/numpy/__init__.py", "")
            .script("/opt/conda/bin/f2py", "#!/bin/sh\n");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    Component numpy = Component.of(Source.CONDA, "/opt/conda:numpy");
    assertEquals(numpy, g.ownerOf("/opt/conda/lib/python3.11/site-packages/numpy/__init__.py"));
    assertEquals(numpy, g.ownerOf("/opt/conda/bin/f2py"));
    assertEquals(numpy, g.ownerOf("/opt/conda/conda-meta/numpy-1.26.4-py311h.json"));
    assertEquals(
        Component.UNCLAIMED,
        g.ownerOf("/opt/conda/conda-meta/broken-1.json"),
        "malformed: no guess");
  }

  @Test
  void npmPackagesOwnTheirDirectoryAndNestedPackagesTheirOwn() throws Exception {
    MapFileTree t =
        new MapFileTree()
            .text("/app/package.json", "{}")
            .text("/app/node_modules/lodash/package.json", "{}")
            .text("/app/node_modules/lodash/lodash.js", "x")
            .text("/app/node_modules/@types/node/package.json", "{}")
            .text("/app/node_modules/@types/node/index.d.ts", "x")
            .text("/app/node_modules/a/package.json", "{}")
            .text("/app/node_modules/a/node_modules/b/package.json", "{}")
            .text("/app/node_modules/a/node_modules/b/b.js", "x")
            .text("/app/node_modules/a/a.js", "x")
            .text("/app/node_modules/.package-lock.json", "{}");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    assertEquals(
        Component.of(Source.NPM, "/app/node_modules/lodash"),
        g.ownerOf("/app/node_modules/lodash/lodash.js"));
    assertEquals(
        Component.of(Source.NPM, "/app/node_modules/@types/node"),
        g.ownerOf("/app/node_modules/@types/node/index.d.ts"));
    assertEquals(
        Component.of(Source.NPM, "/app/node_modules/a"), g.ownerOf("/app/node_modules/a/a.js"));
    assertEquals(
        Component.of(Source.NPM, "/app/node_modules/a/node_modules/b"),
        g.ownerOf("/app/node_modules/a/node_modules/b/b.js"));
    assertEquals(
        Component.UNCLAIMED, g.ownerOf("/app/package.json"), "the app itself is not a dependency");
    assertEquals(Component.UNCLAIMED, g.ownerOf("/app/node_modules/.package-lock.json"));
  }

  @Test
  void systemPackagesWinOverLanguageRecordsAndHardlinksStayTogether() throws Exception {
    MapFileTree t =
        new MapFileTree()
            .text("/var/lib/dpkg/status", "Package: python3-six\nStatus: install ok installed\n\n")
            .text("/var/lib/dpkg/info/python3-six.list", "/usr/lib/python3/dist-packages/six.py\n")
            .text("/usr/lib/python3/dist-packages/six-1.16.dist-info/RECORD", "six.py,,\n")
            .text("/usr/lib/python3/dist-packages/six.py", "six")
            .file("/opt/big", 3_000_000)
            .hardlink("/a/first-name", "/opt/big")
            .text("/zz/x", "x")
            .hardlink("/aa/x-link", "/zz/x");
    Grouping g = Grouping.of(t, Grouping.DEFAULT_BIG_FILE);
    assertEquals(
        Component.of(Source.DEB, "python3-six"),
        g.ownerOf("/usr/lib/python3/dist-packages/six.py"));
    // the group's first name in tree order decides: /a/first-name is big and unclaimed, so its own
    // group
    Component big = Component.of(Source.BIG_FILE, "/a/first-name");
    assertEquals(big, g.ownerOf("/a/first-name"));
    assertEquals(big, g.ownerOf("/opt/big"));
    assertEquals(3_000_000L, g.sizes().get(big), "a hardlinked file counts once");
    assertEquals(g.ownerOf("/aa/x-link"), g.ownerOf("/zz/x"));
  }

  @Test
  void recordPathsResolveLexically() {
    assertEquals(
        "/usr/local/bin/foo",
        TreeFiles.resolve("/usr/local/lib/python3.11/site-packages", "../../../bin/foo"));
    assertEquals("/x", TreeFiles.resolve("/", "../../x"));
    assertNull(TreeFiles.resolve("/", ".."));
    assertEquals("/etc/a", TreeFiles.resolve("/srv", "/etc/./a"));
  }
}
