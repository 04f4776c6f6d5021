package dev.ocisquash.squash;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentKindTest {
  private static byte[] head(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void capturesWhatTheStripChecksRead() {
    assertTrue(ContentKind.readByStripChecks("usr/bin/x", new byte[] {0x7f, 'E', 'L', 'F'}));
    assertTrue(ContentKind.readByStripChecks("usr/bin/y", head("#!/b")));
    assertTrue(ContentKind.readByStripChecks("etc/ld.so.conf.d/x.conf", head("/usr")));
    assertTrue(
        ContentKind.readByStripChecks(
            "usr/lib/python3/dist-packages/astropy/__init__.py", head("from")));
    assertTrue(
        ContentKind.readByStripChecks(
            "opt/venv/lib/python3.12/site-packages/a/b/__init__.py", head("")));
    assertFalse(
        ContentKind.readByStripChecks(
            "usr/lib/python3/dist-packages/astropy/units.py", head("from")));
    assertFalse(
        ContentKind.readByStripChecks("usr/lib/python3.11/json/__init__.py", head("r\"\"\"")));
    assertFalse(ContentKind.readByStripChecks("usr/share/doc/x/README", head("Read")));
  }
}
