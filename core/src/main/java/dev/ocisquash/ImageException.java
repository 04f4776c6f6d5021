package dev.ocisquash;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Bad or unusable input, or a failure the user must act on. The message is one line that names the file, the
 * layer and the entry where they are known, and says what is wrong. The CLI prints it without a stack trace.
 */
public class ImageException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a complete one-line message. */
  public ImageException(String message) {
    super(message);
  }

  /** Creates an exception with a complete one-line message and a cause. */
  public ImageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * A write to {@code target} failed (disk full, read-only file system, ...): one line naming what could not be
   * written and the system's reason, e.g. {@code out.tar: cannot write: No space left on device}.
   */
  public static ImageException cannotWrite(String target, String what, IOException e) {
    if (e instanceof ImageException) {
      return (ImageException) e;
    }
    String reason;
    if (e instanceof java.nio.file.FileSystemException && ((java.nio.file.FileSystemException) e).getReason() != null) {
      reason = ((java.nio.file.FileSystemException) e).getReason();
    } else {
      reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new ImageException(
        where(target, null, null, "cannot write " + what + ": " + reason.replaceAll("\\s*[\\r\\n]+\\s*", " ")), e);
  }

  /**
   * Builds the standard message: {@code FILE: layer N (DIGEST): entry PATH: PROBLEM}, leaving out the parts that
   * are null.
   */
  public static String where(@Nullable String file, @Nullable String layer, @Nullable String entry, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (layer != null) {
      sb.append(layer).append(": ");
    }
    if (entry != null) {
      sb.append("entry '").append(dev.ocisquash.tar.PathNames.display(entry)).append("': ");
    }
    sb.append(problem);
    return sb.toString();
  }
}
