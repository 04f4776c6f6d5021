package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageRefTest {
  @Test
  void hostPortRepoTag() {
    ImageRef r = ImageRef.parse("docker://127.0.0.1:5000/team/app:1.4");
    assertEquals("127.0.0.1:5000", r.registry());
    assertEquals("team/app", r.repository());
    assertEquals("1.4", r.tag());
    assertNull(r.digest());
    assertEquals("1.4", r.reference());
    assertEquals("127.0.0.1:5000/team/app:1.4", r.name());
    assertEquals("docker://127.0.0.1:5000/team/app:1.4", r.toString());
  }

  @Test
  void digestAndDefaultTag() {
    String d = "sha256:" + "ab".repeat(32);
    ImageRef r = ImageRef.parse("docker://localhost/app@" + d);
    assertEquals("localhost", r.registry());
    assertEquals(d, r.reference());
    assertNull(r.tag());
    assertEquals("latest", ImageRef.parse("docker://registry.example/app").tag());
  }

  @Test
  void dockerHubShortNamesAsDockerWritesThem() {
    ImageRef r = ImageRef.parse("docker://busybox");
    assertEquals("docker.io", r.registry());
    assertEquals("library/busybox", r.repository());
    assertEquals("registry-1.docker.io", r.endpointHost());
    assertEquals("team/app", ImageRef.parse("docker://team/app:1").repository());
    assertEquals(
        "docker.io", ImageRef.parse("docker://index.docker.io/library/busybox").registry());
  }

  @Test
  void badReferencesSayWhatIsWrong() {
    assertFalse(ImageRef.isRegistryRef("/tmp/docker://x"));
    assertTrue(ImageRef.isRegistryRef("docker://x"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("docker://h:5000/App:1"))
            .getMessage()
            .contains("invalid repository 'App'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> ImageRef.parse("docker://h/app@sha256:12"))
            .getMessage()
            .contains("invalid digest"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("docker://h/app:b@d!"))
            .getMessage()
            .contains("invalid"));
  }
}
