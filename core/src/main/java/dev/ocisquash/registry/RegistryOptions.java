package dev.ocisquash.registry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach registries: credentials, TLS and retries. Immutable; start from {@link #defaults()}.
 *
 * @param creds {@code USER:PASS} given on the command line, or null to look credentials up in the auth files
 * @param authFile an auth file to read first ({@code --authfile}), or null for {@code $REGISTRY_AUTH_FILE}, the
 *     containers auth file and {@code ~/.docker/config.json}
 * @param certDir a directory of {@code *.crt} CA certificates (and optional {@code *.cert}/{@code *.key} client
 *     pair) trusted besides the system's, or null for {@code /etc/containers/certs.d/HOST} and {@code
 *     /etc/docker/certs.d/HOST} when they exist
 * @param tlsVerify false to accept any server certificate and to fall back to plain HTTP
 * @param attempts how many times one request is tried on 429, 5xx and broken connections (at least 1)
 * @param backoff the wait before the second attempt; doubled for each further one
 */
public record RegistryOptions(
    String creds, Path authFile, Path certDir, boolean tlsVerify, int attempts, Duration backoff) {
  /** Validates the values. */
  public RegistryOptions {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    if (creds != null && creds.indexOf(':') < 1) {
      throw new IllegalArgumentException("--creds must be USER:PASS");
    }
  }

  /** No explicit credentials, system trust with TLS verified, 5 attempts starting at a 500 ms backoff. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(null, null, null, true, 5, Duration.ofMillis(500));
  }

  /** A copy with credentials {@code USER:PASS}. */
  public RegistryOptions withCreds(String v) {
    return new RegistryOptions(v, authFile, certDir, tlsVerify, attempts, backoff);
  }

  /** A copy reading this auth file first. */
  public RegistryOptions withAuthFile(Path v) {
    return new RegistryOptions(creds, v, certDir, tlsVerify, attempts, backoff);
  }

  /** A copy trusting the certificates in this directory. */
  public RegistryOptions withCertDir(Path v) {
    return new RegistryOptions(creds, authFile, v, tlsVerify, attempts, backoff);
  }

  /** A copy with TLS verification on or off. */
  public RegistryOptions withTlsVerify(boolean v) {
    return new RegistryOptions(creds, authFile, certDir, v, attempts, backoff);
  }

  /** A copy with another retry policy. */
  public RegistryOptions withRetries(int attemptsV, Duration backoffV) {
    return new RegistryOptions(creds, authFile, certDir, tlsVerify, attemptsV, backoffV);
  }
}
