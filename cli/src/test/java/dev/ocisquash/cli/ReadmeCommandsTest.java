package dev.ocisquash.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.Proc;
import dev.ocisquash.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, exactly as written there, on a fresh Debian 12 (debootstrap minbase:
 * no JDK, no sudo, an empty Maven repository): as root without sudo, then as a user with sudo
 * (testdata/tools/readme-fresh-debian.sh). The second command, {@code sh scripts/test}, is what
 * {@code .ci/run} runs, as root, on every CI run.
 */
@Tag("integration") // debootstrap, chroot, root, the Debian mirror and Maven Central
class ReadmeCommandsTest {
  @TempDir Path work;

  @Test
  void theFirstCommandWorksAsRootAndAsAUserWithSudoOnAFreshDebian() throws Exception {
    Path repo = TestData.dir().getParent();
    String out =
        Proc.of(
                "bash",
                TestData.dir().resolve("tools/readme-fresh-debian.sh").toString(),
                repo.toString(),
                work.toString())
            .timeout(2400)
            .check();
    assertTrue(
        out.contains("== as root, no sudo") && out.contains("== as user dev, with sudo"), out);
    assertTrue(out.contains("readme-fresh-debian: both runs succeeded"), out);
    // the squash summary was printed by each run
    assertTrue(out.indexOf("layers") != out.lastIndexOf("layers"), out);
  }
}
