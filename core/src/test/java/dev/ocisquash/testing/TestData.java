package dev.ocisquash.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code testdata} directory: {@code ../testdata} from a module, or {@code
 * testdata}.
 */
public final class TestData {
  private TestData() {}

  /** The directory. */
  public static Path dir() {
    Path p = Path.of("..", "testdata").toAbsolutePath().normalize();
    return Files.isDirectory(p) ? p : Path.of("testdata").toAbsolutePath();
  }

  /** The repository's root directory. */
  public static Path repo() {
    return dir().getParent();
  }

  /** The busybox sample image, a {@code docker save} archive. */
  public static Path sample() {
    return dir().resolve("sample/busybox-sample.tar");
  }
}
