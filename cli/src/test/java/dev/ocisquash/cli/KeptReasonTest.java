package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.tar.TarEntry;
import dev.ocisquash.tar.TarEntryType;
import dev.ocisquash.tar.TarWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** analyze prints the reason a safety check kept a file whole, however long the paths in it. */
class KeptReasonTest {
  @TempDir Path dir;

  @Test
  void aLongReasonIsNotCut() throws Exception {
    String link =
        "opt/application/with/a/rather/long/path/to/its/launcher/links/read-the-documentation";
    Path in =
        Files.write(
            dir.resolve("in.tar"),
            TestImages.dockerArchive(
                layer(
                    "usr/share/doc/tool/README", "read me\n", link, "/usr/share/doc/tool/README")));
    Run r = CliTest.cli("analyze", in.toString(), "--preset", "docs");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("kept by safety checks:"), r.out);
    assertTrue(r.out.contains("target of symlink /" + link + "\n"), r.out);
  }

  /** A layer of a regular file and a symlink to it. */
  private static byte[] layer(String file, String content, String link, String target)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String path : new String[] {file, link}) {
      for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
        String d = path.substring(0, i + 1);
        if (seen.add(d)) {
          w.putEntry(TarEntry.builder(TarEntryType.DIRECTORY, d).mode(0755).build());
          w.closeEntry();
        }
      }
    }
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    w.putEntry(TarEntry.builder(TarEntryType.REGULAR, file).mode(0644).size(data.length).build());
    w.write(data, 0, data.length);
    w.closeEntry();
    w.putEntry(TarEntry.builder(TarEntryType.SYMLINK, link).mode(0777).linkTarget(target).build());
    w.closeEntry();
    w.finish();
    return out.toByteArray();
  }
}
