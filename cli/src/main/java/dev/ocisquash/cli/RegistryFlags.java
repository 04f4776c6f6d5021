package dev.ocisquash.cli;

import dev.ocisquash.registry.RegistryOptions;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How to reach registries named by {@code docker://} references; the flags skopeo uses, for both
 * sides.
 */
final class RegistryFlags {
  @Option(
      names = "--creds",
      paramLabel = "USER:PASS",
      description = "registry credentials (default: auth files)")
  @Nullable String creds;

  @Option(
      names = "--authfile",
      paramLabel = "FILE",
      description =
          "auth file read first (then $REGISTRY_AUTH_FILE, containers auth.json, ~/.docker/config.json)")
  @Nullable Path authFile;

  @Option(
      names = "--cert-dir",
      paramLabel = "DIR",
      description =
          "CA certificates (*.crt) and client certificate (*.cert + *.key) for the registry's TLS")
  @Nullable Path certDir;

  @Option(
      names = "--tls-verify",
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      description = "verify registry TLS certificates (default true); false also allows plain HTTP")
  boolean tlsVerify = true;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "attempts per registry request on 429, 5xx and broken connections (default ${DEFAULT-VALUE})")
  int retries = 5;

  @Option(
      names = "--min-transfer-rate",
      paramLabel = "BYTES",
      description =
          "bytes per second a registry must move over --transfer-window of waiting on it (a response"
              + " head, a body, an upload) or the request is cut and retried; 0: off (default ${DEFAULT-VALUE})")
  long minTransferRate = RegistryOptions.DEFAULT_MIN_TRANSFER_RATE;

  @Option(
      names = "--transfer-window",
      paramLabel = "SECONDS",
      description = "the window of --min-transfer-rate (default ${DEFAULT-VALUE})")
  long transferWindow = RegistryOptions.DEFAULT_TRANSFER_WINDOW.toSeconds();

  /** The options for the registry client. */
  RegistryOptions options() {
    RegistryOptions o = RegistryOptions.defaults();
    return new RegistryOptions(
            creds, authFile, certDir, tlsVerify, Math.max(1, retries), o.backoff())
        .withMinTransferRate(minTransferRate, java.time.Duration.ofSeconds(transferWindow));
  }
}
