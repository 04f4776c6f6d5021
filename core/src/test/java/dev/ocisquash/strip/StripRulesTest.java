package dev.ocisquash.strip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StripRulesTest {
  @TempDir Path dir;

  private Path write(String json) throws Exception {
    Path p = dir.resolve("rules.json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void readsRulesFile() throws Exception {
    StripRules r =
        StripRules.fromJson(
            write(
                "{\"presets\":[\"safe\",\"locale\"],\"removes\":[\"/srv/**/*.log\"],"
                    + "\"keeps\":[\"/usr/share/doc/keep/**\"],\"cpuLevel\":\"x86-64-v3\",\"force\":false}"));
    assertEquals(List.of("safe", "locale"), r.presets());
    assertEquals(List.of("/srv/**/*.log"), r.removes());
    assertEquals(List.of("/usr/share/doc/keep/**"), r.keeps());
    assertEquals(3, r.cpuLevel());
    assertFalse(r.force());
    assertTrue(r.activePresets().stream().anyMatch(p -> p.name().equals("locale")));
  }

  private String error(String json) throws Exception {
    Path p = write(json);
    ImageException e = assertThrows(ImageException.class, () -> StripRules.fromJson(p));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void clearErrors() throws Exception {
    assertTrue(error("{\"presets\": [\"safe\",").contains("not valid JSON"));
    assertTrue(error("{\"presets\": [\"sfae\"]}").contains("unknown preset 'sfae'"));
    assertTrue(error("{\"preset\": [\"safe\"]}").contains("unknown field 'preset'"));
    assertTrue(error("{\"removes\": \"/x\"}").contains("array of strings"));
    assertTrue(error("{\"removes\": [\"relative/x\"]}").contains("must be absolute"));
    assertTrue(error("{\"presets\": [\"simd-variants\"]}").contains("needs a CPU level"));
    assertTrue(error("{\"cpuLevel\": \"v5\"}").contains("unknown CPU level"));
    assertTrue(error("[1]").contains("JSON object"));
    ImageException missing =
        assertThrows(ImageException.class, () -> StripRules.fromJson(dir.resolve("nope.json")));
    assertTrue(missing.getMessage().contains("cannot read"));
  }

  @Test
  void builderRejectsUnknownPreset() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> StripRules.builder().preset("everything"));
    assertTrue(e.getMessage().contains("known: safe"));
  }
}
