package dev.ocisquash.trace;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import org.jspecify.annotations.Nullable;

/**
 * How a traced command is kept in the image root, decided from what this machine allows. Pure: the
 * facts are probed by {@link TraceRunner}.
 */
public enum Isolation {
  /** As root: a new mount and PID namespace ({@code unshare}) and {@code chroot}. */
  ROOT_NAMESPACES,
  /**
   * As a user: the same inside a user namespace where the user is mapped to root ({@code unshare
   * --user}).
   */
  USER_NAMESPACE;

  /**
   * Chooses.
   *
   * @param root whether this process runs as root
   * @param userNamespaces whether an unprivileged user namespace could be created here
   * @param strace the path of strace, or null when it is not installed
   * @param unshare the path of unshare (util-linux), or null
   * @throws ImageException one line saying what is missing and what to do instead
   */
  public static Isolation choose(
      boolean root, boolean userNamespaces, @Nullable String strace, @Nullable String unshare)
      throws ImageException {
    if (strace == null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          "ocisquash trace needs strace, which is not installed (Debian/Ubuntu: apt-get install strace); or trace"
              + " where the workload runs and give its strace log to --trace");
    }
    if (unshare == null) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          "ocisquash trace needs unshare (util-linux), which is not installed");
    }
    if (root) {
      return ROOT_NAMESPACES;
    }
    if (userNamespaces) {
      return USER_NAMESPACE;
    }
    throw new ImageException(
        Kind.INVALID_ARGUMENT,
        "ocisquash trace cannot isolate the command: not root, and this kernel does not let users create user"
            + " namespaces (kernel.unprivileged_userns_clone or user.max_user_namespaces); run it as root, or trace"
            + " where the workload runs and give its strace log to --trace");
  }
}
