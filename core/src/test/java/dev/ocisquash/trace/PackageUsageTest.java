package dev.ocisquash.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.strip.MapFileTree;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which packages a trace touched, and which could go, on an in-memory usr-merged Debian tree. */
class PackageUsageTest {
  static final String STATUS =
      "Package: libc6\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 2.36\n\n"
          + "Package: python3\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.11\nDepends: libc6,"
          + " libpy\n\n"
          + "Package: libpy\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.11\n\n"
          + "Package: gcc-12\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12\nDepends: cpp-12\n\n"
          + "Package: cpp-12\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12\n\n"
          + "Package: dash\nEssential: yes\nStatus: install ok installed\nArchitecture: amd64\nVersion: 0.5\n\n";

  static MapFileTree tree() {
    return new MapFileTree()
        .symlink("/bin", "usr/bin")
        .symlink("/lib", "usr/lib")
        .text("/var/lib/dpkg/status", STATUS)
        // dpkg lists /lib/libc.so.6 and /bin, as Debian's packages do on a usr-merged system
        .text("/var/lib/dpkg/info/libc6:amd64.list", "/.\n/bin\n/lib\n/lib/libc.so.6\n")
        .text("/var/lib/dpkg/info/python3.list", "/.\n/bin\n/usr/bin/python3\n")
        .text("/var/lib/dpkg/info/libpy:amd64.list", "/.\n/usr/lib/libpy.so\n")
        .text("/var/lib/dpkg/info/gcc-12.list", "/.\n/bin\n/usr/bin/gcc-12\n/usr/bin/gcc\n")
        .text("/var/lib/dpkg/info/cpp-12.list", "/.\n/usr/bin/cpp-12\n")
        .text("/var/lib/dpkg/info/dash.list", "/.\n/bin\n/bin/sh\n")
        .text("/var/lib/dpkg/alternatives/cc", "auto\n/usr/bin/cc\n\n/usr/bin/gcc\n20\n\n")
        .symlink("/etc/alternatives/cc", "/usr/bin/gcc")
        .symlink("/usr/bin/cc", "/etc/alternatives/cc")
        .file("/usr/lib/libc.so.6", 2000)
        .file("/usr/lib/libpy.so", 500)
        .file("/usr/bin/python3", 300)
        .file("/usr/bin/gcc-12", 1000)
        .symlink("/usr/bin/gcc", "gcc-12")
        .file("/usr/bin/cpp-12", 700)
        .file("/usr/bin/sh", 100);
  }

  static Map<String, PackageUsage.Row> rows(PackageUsage.Result r) {
    Map<String, PackageUsage.Row> m = new HashMap<>();
    r.rows().forEach(x -> m.put(x.name(), x));
    return m;
  }

  @Test
  void touchedNeededProtectedAndRemovable() throws Exception {
    // python3 ran: /bin/python3 was looked up through /bin, and libc through /lib
    Trace t =
        new Trace(
            List.of(),
            new TreeSet<>(List.of("/bin", "/usr/bin/python3", "/lib", "/usr/lib/libc.so.6")));
    PackageUsage.Result r = PackageUsage.of(tree(), t);
    Map<String, PackageUsage.Row> m = rows(r);
    assertEquals(PackageUsage.Reason.TOUCHED, m.get("python3").reason());
    assertEquals(
        PackageUsage.Reason.TOUCHED,
        m.get("libc6").reason(),
        "/lib/libc.so.6 is /usr/lib/libc.so.6");
    assertEquals(PackageUsage.Reason.NEEDED, m.get("libpy").reason());
    assertTrue(m.get("libpy").detail().contains("python3"), m.get("libpy").detail());
    assertFalse(m.get("libpy").touched());
    assertEquals(
        PackageUsage.Reason.PROTECTED,
        m.get("dash").reason(),
        "essential, although /bin was passed");
    assertFalse(
        m.get("dash").touched(), "/bin is listed by many packages and touches none of them");
    assertEquals(null, m.get("gcc-12").reason());
    assertEquals(null, m.get("cpp-12").reason());
    assertEquals(List.of("dpkg:gcc-12", "dpkg:cpp-12"), r.removable());
    // the cc alternative points only into gcc-12: its links and record go too
    assertEquals(
        List.of("/etc/alternatives/cc", "/usr/bin/cc", "/var/lib/dpkg/alternatives/cc"),
        r.alternatives());
    assertEquals(1000 + 700, r.savedBytes() - bytesOfRecords(r));
  }

  /**
   * The database records removed with the packages (their .list files) are counted in the savings
   * too.
   */
  static long bytesOfRecords(PackageUsage.Result r) {
    return ((long) "/.\n/bin\n/usr/bin/gcc-12\n/usr/bin/gcc\n".length()
        + "/.\n/usr/bin/cpp-12\n".length()
        + "auto\n/usr/bin/cc\n\n/usr/bin/gcc\n20\n\n".length());
  }

  @Test
  void aTouchedPackageKeepsWhatItDependsOn() throws Exception {
    Trace t = new Trace(List.of(), new TreeSet<>(List.of("/usr/bin/gcc", "/usr/bin/gcc-12")));
    Map<String, PackageUsage.Row> m = rows(PackageUsage.of(tree(), t));
    assertEquals(PackageUsage.Reason.TOUCHED, m.get("gcc-12").reason());
    assertEquals(PackageUsage.Reason.NEEDED, m.get("cpp-12").reason());
    assertEquals(null, m.get("python3").reason());
  }
}
