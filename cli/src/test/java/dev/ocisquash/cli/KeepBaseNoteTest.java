package dev.ocisquash.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.cli.CliTest.Run;
import dev.ocisquash.cli.TestImages.Member;
import dev.ocisquash.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --keep-base} says when the history names no base image and everything was squashed. */
class KeepBaseNoteTest {
  @TempDir Path dir;

  private static final String NOTE = "no base image found in the history: squashed all layers";

  @Test
  void withoutABaseMarkerItSaysItSquashedAll() {
    String sample = TestData.sample().toString();
    Run r = CliTest.cli("squash", sample, "-o", dir.resolve("o.tar").toString(), "--keep-base");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("  note     " + NOTE), r.out);
    assertTrue(r.out.contains("layers   3 -> 1"), r.out);
  }

  @Test
  void withABaseItKeepsItAndSaysNothing() throws Exception {
    byte[] l0 = TestImages.layer("a", "1");
    byte[] l1 = TestImages.layer("b", "2");
    byte[] l2 = TestImages.layer("c", "3");
    List<String> diffIds =
        List.of(TestImages.sha256(l0), TestImages.sha256(l1), TestImages.sha256(l2));
    String config = TestImages.configJson(diffIds);
    String history =
        "\"history\":[{\"created_by\":\"ADD a\"},"
            + "{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"sh\\\"]\",\"empty_layer\":true},"
            + "{\"created_by\":\"COPY b\"},{\"created_by\":\"COPY c\"}],";
    config = config.replace("\"rootfs\"", history + "\"rootfs\"");
    byte[] image =
        TestImages.tar(
            List.of(
                Member.bytes(
                    "manifest.json",
                    TestImages.manifestJson("config.json", List.of("l0.tar", "l1.tar", "l2.tar"))
                        .getBytes(UTF_8)),
                Member.bytes("config.json", config.getBytes(UTF_8)),
                Member.bytes("l0.tar", l0),
                Member.bytes("l1.tar", l1),
                Member.bytes("l2.tar", l2)));
    Path in = Files.write(dir.resolve("based.tar"), image);
    Run r =
        CliTest.cli("squash", in.toString(), "-o", dir.resolve("o.tar").toString(), "--keep-base");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("layers   3 -> 2"), r.out);
    assertFalse(r.out.contains(NOTE), r.out);
  }
}
