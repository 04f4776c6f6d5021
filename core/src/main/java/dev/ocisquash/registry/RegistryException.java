package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A registry request that failed, for library callers: which registry, repository and step, the
 * HTTP status and the registry's error codes when there was an answer. Its message is the CLI's one
 * line, {@code registry R, repository P: STEP: DETAIL}, with control characters from the server
 * shown as {@code ?}. Its kind is always {@link ImageException.Kind#REGISTRY}.
 */
public final class RegistryException extends ImageException {
  private static final long serialVersionUID = 1L;

  private final String registry;
  private final String repository;
  private final String step;
  private final String detail;
  private final int status;
  private final List<String> errorCodes;

  /**
   * @param status the HTTP status, or -1 when the failure was not an answer (a broken connection, a
   *     bad URL)
   * @param errorCodes the {@code errors[].code} values of the registry's error body (distribution
   *     spec)
   */
  public RegistryException(
      String registry,
      String repository,
      String step,
      String detail,
      int status,
      List<String> errorCodes,
      @Nullable Throwable cause) {
    super(
        Kind.REGISTRY,
        Printable.line(
            "registry " + registry + ", repository " + repository + ": " + step + ": " + detail),
        cause);
    this.registry = registry;
    this.repository = repository;
    this.step = step;
    this.detail = Printable.line(detail);
    this.status = status;
    this.errorCodes = List.copyOf(errorCodes);
  }

  /** The registry, {@code HOST[:PORT]}. */
  public String registry() {
    return registry;
  }

  /** The repository the request was for. */
  public String repository() {
    return repository;
  }

  /**
   * What was being done, e.g. {@code get manifest latest} or {@code upload blob (1234 bytes
   * written)}.
   */
  public String step() {
    return step;
  }

  /** What went wrong, the message's last part (e.g. {@code HTTP 503}). */
  public String detail() {
    return detail;
  }

  /** The HTTP status of the answer that failed the step, or -1 when there was none. */
  public int status() {
    return status;
  }

  /**
   * The registry's error codes ({@code MANIFEST_UNKNOWN}, {@code DENIED}, ...), empty when it sent
   * none.
   */
  public List<String> errorCodes() {
    return errorCodes;
  }
}
