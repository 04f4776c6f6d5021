package dev.ocisquash.layering;

import dev.ocisquash.layering.Component.Source;
import dev.ocisquash.strip.FileTree;
import dev.ocisquash.strip.TreeNode;
import java.io.BufferedReader;
import java.io.IOException;
import org.jspecify.annotations.NullUnmarked;

/**
 * Alpine: {@code /lib/apk/db/installed} holds one stanza per package: {@code P:} its name, then {@code F:} a
 * directory (relative to the root) followed by {@code R:} lines naming the files in it. The group name is the
 * package name, without its version ({@code V:}).
 */
@NullUnmarked // NullAway findings here not fixed yet (docs/testing.md, "Static checks")
final class ApkDatabase implements OwnerDatabase {
  static final String INSTALLED = "/lib/apk/db/installed";

  @Override
  public String name() {
    return "apk";
  }

  @Override
  public void claim(FileTree tree, Claims claims) throws IOException {
    TreeNode db = TreeFiles.regular(tree, INSTALLED);
    if (db == null) {
      return;
    }
    Component owner = null;
    String dir = "";
    try (BufferedReader r = TreeFiles.lines(tree, db)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty()) {
          owner = null;
          dir = "";
        } else if (line.startsWith("P:")) {
          owner = Component.of(Source.APK, line.substring(2));
        } else if (line.startsWith("F:")) {
          dir = line.substring(2);
        } else if (line.startsWith("R:") && owner != null) {
          String path = TreeFiles.resolve("/" + dir, line.substring(2));
          if (path != null) {
            DpkgDatabase.claimIfFile(tree, path, owner, claims);
          }
        }
      }
    }
  }
}
