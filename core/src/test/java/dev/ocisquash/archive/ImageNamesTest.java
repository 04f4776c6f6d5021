package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocisquash.ImageException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar of the names a user gives an output image. */
class ImageNamesTest {
  @Test
  void ociRefNamesFollowTheImageSpecGrammar() throws Exception {
    for (String ok :
        List.of("v1", "1.0", "v1.0-rc", "a--b", "foo:bar", "team/app@x", "Upper+case", "a_b")) {
      ImageNames n = ImageNames.forOutput("o", ok, OutputFormat.OCI_DIR);
      assertEquals(ok, n.refName());
      assertEquals(List.of(), n.names());
    }
    for (String bad : List.of("", "has space", "-lead", "trail.", "a//b", "a---b", "é")) {
      ImageException e =
          assertThrows(
              ImageException.class, () -> ImageNames.forOutput("o", bad, OutputFormat.OCI));
      assertEquals(ImageException.Kind.INVALID_ARGUMENT, e.kind());
    }
  }

  @Test
  void dockerNamesFollowTheReferenceGrammarWithoutDigest() throws Exception {
    for (String ok :
        List.of(
            "app",
            "team/app:2",
            "localhost:5000/team/app:v1.2_3",
            "registry.example.com/a/b/c",
            "a__b/c-d---e:latest",
            "[::1]:5000/app")) {
      ImageNames n = ImageNames.forOutput("o", ok, OutputFormat.DOCKER);
      assertEquals(List.of(ok), n.names());
      assertNull(n.refName());
    }
    for (String bad :
        List.of(
            "Upper/app",
            "app:",
            "app:-tag",
            "app@sha256:" + "0".repeat(64),
            "a...b",
            "app:" + "t".repeat(129))) {
      assertThrows(
          ImageException.class, () -> ImageNames.forOutput("o", bad, OutputFormat.DOCKER), bad);
    }
  }
}
