package dev.ocisquash;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Bad or unusable input, or a failure the user must act on. The message is one line that names the
 * file, the layer and the entry where they are known, and says what is wrong. The CLI prints it
 * without a stack trace.
 *
 * <p>Every instance carries a {@link Kind}, so a caller can tell a damaged input from a limit, an
 * unsupported input, an output that cannot be written or an interrupted run without reading the
 * message (as Jib's registry exceptions and go-containerregistry's {@code transport.Error} let
 * their callers do). The kinds and their names are stable; the message is for people.
 */
public class ImageException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is. Stable: a new kind may be added, none is renamed or removed. */
  public enum Kind {
    /**
     * The input is damaged or malformed: digest or size mismatch, truncated stream, bad tar header,
     * bad JSON.
     */
    CORRUPT_INPUT,
    /** A safety limit was reached: size, compression ratio, number of entries, length of a name. */
    LIMIT_EXCEEDED,
    /**
     * The input is well formed but of a kind ocisquash does not read (Docker schema 1, an unknown
     * media type).
     */
    UNSUPPORTED_INPUT,
    /**
     * The request cannot be carried out as given: a file that does not exist, a selector no image
     * matches, a squash point out of range, a malformed rules file or proxy setting, an output that
     * is the input.
     */
    INVALID_ARGUMENT,
    /**
     * An output (or a temporary file beside it) cannot be written: disk full, read-only, no such
     * directory.
     */
    OUTPUT_FAILED,
    /**
     * A registry request or getting its credentials failed; {@code registry.RegistryException} has
     * the details.
     */
    REGISTRY,
    /** The run was interrupted or cancelled; what it wrote was removed. */
    INTERRUPTED,
    /** A bug in ocisquash: a state its own checks say cannot happen. */
    INTERNAL
  }

  private final Kind kind;

  /** Creates an exception with a complete one-line message. */
  public ImageException(Kind kind, String message) {
    super(message);
    this.kind = java.util.Objects.requireNonNull(kind, "kind");
  }

  /** Creates an exception with a complete one-line message and a cause. */
  public ImageException(Kind kind, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind");
  }

  /** What kind of failure this is. */
  public Kind kind() {
    return kind;
  }

  /**
   * A write to {@code target} failed (disk full, read-only file system, ...): one line naming what
   * could not be written and the system's reason, e.g. {@code out.tar: cannot write: No space left
   * on device}. The kind is {@link Kind#OUTPUT_FAILED}, or {@link Kind#INTERRUPTED} when the write
   * failed because the thread was interrupted; an {@code ImageException} is returned as it is.
   */
  public static ImageException cannotWrite(String target, String what, IOException e) {
    if (e instanceof ImageException ie) {
      return ie;
    }
    String reason;
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      reason = fse.getReason();
    } else {
      reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new ImageException(
        interruption(e) ? Kind.INTERRUPTED : Kind.OUTPUT_FAILED,
        where(
            target,
            null,
            null,
            "cannot write " + what + ": " + reason.replaceAll("\\s*[\\r\\n]+\\s*", " ")),
        e);
  }

  /**
   * Whether {@code e} says that the thread was interrupted ({@link java.io.InterruptedIOException},
   * a channel closed by an interrupt, or an {@code ImageException} of kind {@link
   * Kind#INTERRUPTED}).
   */
  public static boolean interruption(Throwable e) {
    return e instanceof java.io.InterruptedIOException
        || e instanceof java.nio.channels.ClosedByInterruptException
        || (e instanceof ImageException ie && ie.kind == Kind.INTERRUPTED);
  }

  /**
   * What a public operation throws for {@code e}: an {@code ImageException} of kind {@link
   * Kind#INTERRUPTED} with the same message when {@code e} says the thread was interrupted (see
   * {@link #interruption}) or the thread's interrupt flag is set; else {@code e} itself.
   */
  public static IOException orInterrupted(IOException e) {
    if (e instanceof ImageException ie && ie.kind == Kind.INTERRUPTED) {
      return e;
    }
    if (interruption(e) || Thread.currentThread().isInterrupted()) {
      return new ImageException(
          Kind.INTERRUPTED, e.getMessage() == null ? "interrupted" : e.getMessage(), e);
    }
    return e;
  }

  /**
   * Builds the standard message: {@code FILE: layer N (DIGEST): entry PATH: PROBLEM}, leaving out
   * the parts that are null.
   */
  public static String where(
      @Nullable String file, @Nullable String layer, @Nullable String entry, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (layer != null) {
      sb.append(layer).append(": ");
    }
    if (entry != null) {
      sb.append("entry '").append(EscapedNames.display(entry)).append("': ");
    }
    sb.append(problem);
    return sb.toString();
  }
}
