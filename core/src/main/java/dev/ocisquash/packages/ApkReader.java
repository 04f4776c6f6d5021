package dev.ocisquash.packages;

import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Alpine: {@code /lib/apk/db/installed} holds one stanza per package, one {@code X:value} line per
 * field, stanzas separated by blank lines: {@code P:} name, {@code V:} version, {@code D:}
 * dependencies (space-separated, each a name or {@code so:}/{@code cmd:}/{@code pc:} virtual with
 * an optional version constraint; {@code !name} is a conflict), {@code p:} provides, {@code F:} a
 * directory relative to the root followed by {@code R:} files in it. Format:
 * https://wiki.alpinelinux.org/wiki/Apk_spec ("Installed Database V2").
 */
final class ApkReader {
  static final String INSTALLED = "/lib/apk/db/installed";
  static final String WORLD = "/etc/apk/world";

  private ApkReader() {}

  static @Nullable List<InstalledPackage> read(FileTree tree) throws IOException {
    TreeNode db = TreeFiles.regular(tree, INSTALLED);
    if (db == null) {
      return null;
    }
    List<InstalledPackage> out = new ArrayList<>();
    Stanza s = null;
    try (BufferedReader r = TreeFiles.lines(tree, db)) {
      for (String line = r.readLine(); ; line = r.readLine()) {
        if (line == null || line.isEmpty()) {
          if (s != null && s.name != null) {
            out.add(
                s.listing.build(
                    Ecosystem.APK, s.name, s.version, s.name, "", s.depends, s.provides, null));
          }
          if (line == null) {
            break;
          }
          s = null;
          continue;
        }
        if (line.length() < 2 || line.charAt(1) != ':') {
          continue;
        }
        if (s == null) {
          s = new Stanza(new Listing(tree));
        }
        String v = line.substring(2);
        switch (line.charAt(0)) {
          case 'P' -> s.name = v;
          case 'V' -> s.version = v;
          case 'F' -> {
            s.dir = v;
            s.listing.add(TreeFiles.resolve("/", v));
          }
          case 'R' -> s.listing.add(TreeFiles.resolve("/" + s.dir, v));
          case 'D' -> {
            for (String d : v.trim().split("\\s+", -1)) {
              if (!d.isEmpty() && !d.startsWith("!")) {
                s.depends.add(Dependency.on(name(d)));
              }
            }
          }
          case 'p' -> {
            for (String d : v.trim().split("\\s+", -1)) {
              if (!d.isEmpty()) {
                s.provides.add(name(d));
              }
            }
          }
          default -> {}
        }
      }
    }
    return out;
  }

  /**
   * A dependency or provide without its version constraint: {@code so:libc.musl-x86_64.so.1=1.2.4}
   * to the name.
   */
  static String name(String token) {
    return token.split("[<>=~]", 2)[0];
  }

  private static final class Stanza {
    final Listing listing;
    final List<Dependency> depends = new ArrayList<>();
    final List<String> provides = new ArrayList<>();
    @Nullable String name;
    String version = "";
    String dir = "";

    Stanza(Listing listing) {
      this.listing = listing;
    }
  }
}
