package dev.ocisquash.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import dev.ocisquash.strip.MapFileTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Removing dpkg packages from an in-memory tree shaped like a Debian status file and info
 * directory.
 */
class DpkgRemovalTest {
  static final String STATUS =
      "Package: libc6\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\nMulti-Arch: same\n"
          + "Version: 2.36-9\n\n"
          + "Package: dash\nEssential: yes\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.5\n"
          + "Pre-Depends: libc6 (>= 2.34)\n\n"
          + "Package: gcc-12\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.2.0-14\n"
          + "Depends: cpp-12 (= 12.2.0-14), libc6 (>= 2.36)\n\n"
          + "Package: cpp-12\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.2.0-14\n"
          + "Depends: libc6\n\n"
          + "Package: mailer\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
          + "Depends: default-mta | mail-transport-agent\n\n"
          + "Package: exim\nStatus: install ok installed\nArchitecture: amd64\nVersion: 4\nProvides: mail-transport-agent\n"
          + "Conffiles:\n /etc/exim/exim.conf 0123\n\n"
          + "Package: postfix\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3\n"
          + "Provides: mail-transport-agent (= 3)\n\n"
          + "Package: gone\nStatus: deinstall ok not-installed\nArchitecture: amd64\n\n";

  static MapFileTree debian() {
    return new MapFileTree()
        .text("/var/lib/dpkg/status", STATUS)
        .text("/var/lib/dpkg/info/libc6:amd64.list", "/.\n/usr\n/usr/lib\n/usr/lib/libc.so.6\n")
        .text("/var/lib/dpkg/info/libc6:amd64.md5sums", "x  usr/lib/libc.so.6\n")
        .text("/var/lib/dpkg/info/dash.list", "/.\n/usr\n/usr/bin\n/usr/bin/dash\n")
        .text(
            "/var/lib/dpkg/info/gcc-12.list",
            "/.\n/usr\n/usr/bin\n/usr/bin/gcc-12\n/usr/lib\n/usr/lib/gcc\n"
                + "/usr/lib/gcc/x86_64-linux-gnu\n/usr/lib/gcc/x86_64-linux-gnu/12\n"
                + "/usr/lib/gcc/x86_64-linux-gnu/12/cc1\n/usr/share\n/usr/share/doc\n/usr/share/doc/shared\n"
                + "/usr/share/doc/shared/README\n")
        .text("/var/lib/dpkg/info/gcc-12.md5sums", "x  usr/bin/gcc-12\n")
        .text("/var/lib/dpkg/info/gcc-12.postinst", "#!/bin/sh\n")
        .text(
            "/var/lib/dpkg/info/cpp-12.list",
            "/.\n/usr\n/usr/bin\n/usr/bin/cpp-12\n/usr/lib\n/usr/lib/gcc\n"
                + "/usr/lib/gcc/x86_64-linux-gnu\n/usr/lib/gcc/x86_64-linux-gnu/12\n"
                + "/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus\n/usr/share/doc/shared/README\n")
        .text("/var/lib/dpkg/info/mailer.list", "/usr/bin/mail\n")
        .text("/var/lib/dpkg/info/exim.list", "/usr/sbin/exim\n")
        .text("/var/lib/dpkg/info/postfix.list", "/usr/sbin/postfix\n")
        .text("/var/lib/dpkg/info/gone.list", "/usr/bin/gone\n")
        .file("/usr/lib/libc.so.6", 2000)
        .file("/usr/bin/dash", 100)
        .file("/usr/bin/gcc-12", 1000)
        .file("/usr/bin/cpp-12", 900)
        .file("/usr/lib/gcc/x86_64-linux-gnu/12/cc1", 30000)
        .file("/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus", 30000)
        .text("/usr/share/doc/shared/README", "both\n")
        .file("/usr/bin/mail", 10)
        .file("/usr/sbin/exim", 10)
        .text("/etc/exim/exim.conf", "conf\n")
        .file("/usr/sbin/postfix", 10)
        .file("/usr/bin/gone", 10);
  }

  static RemovalPlan plan(MapFileTree t, boolean force, String... selectors) throws Exception {
    return PackageRemoval.plan(t, Installed.read(t), new RemovalRequest(List.of(selectors), force));
  }

  @Test
  void readsNamesKeysDependenciesAndProtection() throws Exception {
    Installed in = Installed.read(debian());
    assertEquals(7, in.of(Ecosystem.DPKG).size(), "not-installed is no package");
    InstalledPackage libc = in.of(Ecosystem.DPKG).get(0);
    assertEquals("libc6:amd64", libc.key());
    assertEquals("Priority: required", libc.protection());
    assertEquals(
        List.of("/var/lib/dpkg/info/libc6:amd64.list", "/var/lib/dpkg/info/libc6:amd64.md5sums"),
        libc.databaseFiles());
    InstalledPackage mailer = in.of(Ecosystem.DPKG).get(4);
    assertEquals(
        List.of(new Dependency(List.of("default-mta", "mail-transport-agent"))), mailer.depends());
    InstalledPackage exim = in.of(Ecosystem.DPKG).get(5);
    assertEquals(List.of("/etc/exim/exim.conf", "/usr/sbin/exim"), exim.files(), "conffiles count");
  }

  @Test
  void removesOnlyTheFilesAndDirectoriesNoKeptPackageLists() throws Exception {
    RemovalPlan p = plan(debian(), false, "dpkg:gcc-12");
    assertEquals(List.of(), p.refusals());
    assertEquals(
        List.of("/usr/bin/gcc-12", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1"),
        List.copyOf(p.paths()),
        "cpp-12 still lists the gcc directories and the shared README");
    assertEquals(
        List.of(
            "/var/lib/dpkg/info/gcc-12.list",
            "/var/lib/dpkg/info/gcc-12.md5sums",
            "/var/lib/dpkg/info/gcc-12.postinst"),
        List.copyOf(p.databasePaths()));
    String status = new String(p.rewrites().get("/var/lib/dpkg/status"), StandardCharsets.UTF_8);
    assertFalse(status.contains("Package: gcc-12"));
    assertEquals(
        STATUS.replaceFirst("Package: gcc-12\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n\n", ""),
        status,
        "every other byte stays");
  }

  @Test
  void removingBothEmptiesTheirDirectoriesButNotShared() throws Exception {
    RemovalPlan p = plan(debian(), false, "gcc-*", "cpp-1?");
    assertTrue(
        p.paths()
            .containsAll(
                List.of(
                    "/usr/lib/gcc",
                    "/usr/lib/gcc/x86_64-linux-gnu/12",
                    "/usr/share/doc/shared/README",
                    "/usr/share/doc/shared")),
        p.paths().toString());
    assertFalse(p.paths().contains("/usr/lib"), "libc6 lists /usr/lib");
    assertFalse(p.paths().contains("/usr/bin"));
  }

  @Test
  void refusesAPackageAKeptOneDependsOnNamingTheDependents() throws Exception {
    RemovalPlan p = plan(debian(), false, "cpp-12");
    assertEquals(1, p.refusals().size());
    assertEquals(List.of("dpkg:gcc-12"), p.refusals().get(0).dependents());
    ImageException e = assertThrows(ImageException.class, p::check);
    assertEquals(
        "--remove-package: cannot remove dpkg:cpp-12: kept packages depend on it: dpkg:gcc-12",
        e.getMessage());
    RemovalPlan forced = plan(debian(), true, "cpp-12");
    assertEquals(List.of(), forced.refusals());
    assertTrue(forced.warnings().get(0).contains("dpkg:gcc-12"), forced.warnings().toString());
  }

  @Test
  void alternativesAndProvidesResolve() throws Exception {
    assertEquals(
        List.of(), plan(debian(), false, "exim").refusals(), "postfix still provides the MTA");
    RemovalPlan both = plan(debian(), false, "exim", "postfix");
    assertEquals(2, both.refusals().size());
    assertEquals(List.of("dpkg:mailer"), both.refusals().get(0).dependents());
  }

  @Test
  void essentialAndRequiredAreRefusedEvenWithForce() throws Exception {
    RemovalPlan p = plan(debian(), true, "libc6", "dash");
    assertEquals(2, p.refusals().size());
    assertEquals(
        "dpkg:libc6:amd64: it is essential (Priority: required)", p.refusals().get(0).message());
    assertEquals("dpkg:dash: it is essential (Essential: yes)", p.refusals().get(1).message());
  }

  @Test
  void alternativesWhoseEveryChoiceGoesLoseTheirLinksAndOthersTheirRemovedChoices()
      throws Exception {
    MapFileTree t =
        debian()
            .text(
                "/var/lib/dpkg/alternatives/cc",
                "auto\n/usr/bin/cc\ncc.1.gz\n/usr/share/man/man1/cc.1.gz\n\n"
                    + "/usr/bin/gcc-12\n20\n/usr/share/man/man1/gcc.1.gz\n\n")
            .symlink("/etc/alternatives/cc", "/usr/bin/gcc-12")
            .symlink("/usr/bin/cc", "/etc/alternatives/cc")
            .text(
                "/var/lib/dpkg/alternatives/c++",
                "auto\n/usr/bin/c++\n\n/usr/bin/gcc-12\n10\n/usr/bin/cpp-12\n30\n\n")
            .symlink("/etc/alternatives/c++", "/usr/bin/cpp-12")
            .symlink("/usr/bin/c++", "/etc/alternatives/c++")
            .text(
                "/var/lib/dpkg/alternatives/cpp",
                "auto\n/lib/cpp\n\n/usr/bin/cpp-12\n10\n/usr/bin/gcc-12\n20\n\n")
            .symlink("/etc/alternatives/cpp", "/usr/bin/gcc-12")
            .symlink("/lib", "usr/lib")
            .symlink("/usr/lib/cpp", "/etc/alternatives/cpp");
    RemovalPlan p = plan(t, false, "gcc-12");
    assertTrue(
        p.paths()
            .containsAll(
                List.of("/etc/alternatives/cc", "/usr/bin/cc", "/var/lib/dpkg/alternatives/cc")),
        p.paths().toString());
    assertFalse(p.paths().contains("/etc/alternatives/c++"), "cpp-12 is still a choice");
    assertEquals(
        "auto\n/usr/bin/c++\n\n/usr/bin/cpp-12\n30\n\n",
        new String(p.rewrites().get("/var/lib/dpkg/alternatives/c++"), StandardCharsets.UTF_8));
    assertFalse(
        p.rewrites().containsKey("/var/lib/dpkg/alternatives/cpp"),
        "its current choice goes while another stays: left to the safety checks");
    RemovalPlan both = plan(t, false, "gcc-12", "cpp-12");
    assertTrue(
        both.paths().containsAll(List.of("/usr/lib/cpp", "/etc/alternatives/cpp", "/usr/bin/c++")),
        "the master link found through /lib: " + both.paths());
  }

  @Test
  void aMultiArchStanzaIsDroppedByNameAndArchitecture() {
    String two = "Package: libx\nArchitecture: amd64\n\nPackage: libx\nArchitecture: i386\n\n";
    assertEquals(
        "Package: libx\nArchitecture: i386\n\n",
        DatabaseRewrites.dropStanzas(
            two, s -> "amd64".equals(DatabaseRewrites.field(s, "Architecture:"))));
  }

  @Test
  void badSelectorsGetOneLine() {
    ImageException unknown =
        assertThrows(ImageException.class, () -> plan(debian(), false, "nosuch"));
    assertEquals(
        "--remove-package nosuch: no installed package matches (databases: dpkg)",
        unknown.getMessage());
    ImageException noDb =
        assertThrows(ImageException.class, () -> plan(debian(), false, "apk:musl"));
    assertEquals("--remove-package apk:musl: the image has no apk database", noDb.getMessage());
    assertThrows(ImageException.class, () -> plan(debian(), false, "dpkg:"));
    assertThrows(
        ImageException.class,
        () -> plan(debian(), false, "gone"),
        "not-installed is not installed");
  }

  @Test
  void settleKeepsTheEntryOfAPackageAFileOfWhichStays() throws Exception {
    MapFileTree t = debian();
    RemovalPlan p = plan(t, false, "gcc-12");
    RemovalPlan s =
        PackageRemoval.settle(t, p, path -> path.endsWith("/cc1") ? "needed by /usr/bin/x" : null);
    assertEquals(List.of(), List.copyOf(s.databasePaths()));
    assertTrue(s.rewrites().isEmpty(), "the status entry stays");
    assertTrue(
        s.warnings().get(0).startsWith("dpkg:gcc-12: not removed whole: 1 of its files stay"),
        s.warnings().toString());
    assertEquals(p, PackageRemoval.settle(t, p, path -> null), "nothing kept: the plan as it was");
  }
}
