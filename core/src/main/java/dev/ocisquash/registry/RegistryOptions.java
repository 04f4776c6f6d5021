package dev.ocisquash.registry;

import java.net.ProxySelector;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How to reach registries: credentials, TLS, proxies and retries. Immutable; start from {@link
 * #defaults()}.
 *
 * @param creds {@code USER:PASS} given on the command line, or null to look credentials up in the
 *     auth files
 * @param authFile an auth file to read first ({@code --authfile}), or null for {@code
 *     $REGISTRY_AUTH_FILE}, the containers auth file and {@code ~/.docker/config.json}
 * @param certDir a directory of {@code *.crt} CA certificates (and optional {@code *.cert}/{@code
 *     *.key} client pair) trusted besides the system's, or null for {@code
 *     /etc/containers/certs.d/HOST} and {@code /etc/docker/certs.d/HOST} when they exist
 * @param tlsVerify false to accept any server certificate and to fall back to plain HTTP
 * @param attempts how many times one request is tried on 429, 5xx and broken connections (at least
 *     1)
 * @param backoff the wait before the second attempt; doubled for each further one
 * @param proxySelector the caller's choice of HTTP proxy per URL (only {@link
 *     java.net.Proxy.Type#HTTP} proxies are used), or null for the environment: {@code
 *     HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY} as Docker reads them, else the JDK's
 *     {@code https.proxyHost} / {@code http.proxyHost} properties
 * @param tlsContext the caller's TLS context for https registries (it decides the trust and client
 *     keys; {@code certDir} is then not read), or null to build one from the system's CAs and
 *     {@code certDir}; the host name is checked against the certificate unless {@code tlsVerify} is
 *     false
 * @param minTransferRate bytes per second a registry must move over {@code transferWindow} of
 *     waiting on it, in a response head (which must arrive within the window), a body or an upload,
 *     or the request is cut (and retried or resumed like a broken one); 0 turns the check off
 * @param transferWindow the window the rate is measured over (at least one second)
 */
public record RegistryOptions(
    @Nullable String creds,
    @Nullable Path authFile,
    @Nullable Path certDir,
    boolean tlsVerify,
    int attempts,
    Duration backoff,
    @Nullable ProxySelector proxySelector,
    @Nullable SSLContext tlsContext,
    long minTransferRate,
    Duration transferWindow) {
  /** The default minimum transfer rate, bytes per second. */
  public static final long DEFAULT_MIN_TRANSFER_RATE = 1024;

  /** The default window of the transfer rate. */
  public static final Duration DEFAULT_TRANSFER_WINDOW = Duration.ofMinutes(2);

  /** Validates the values. */
  public RegistryOptions {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    if (creds != null && creds.indexOf(':') < 1) {
      throw new IllegalArgumentException("--creds must be USER:PASS");
    }
    if (minTransferRate < 0) {
      throw new IllegalArgumentException("--min-transfer-rate must be 0 or more bytes per second");
    }
    if (transferWindow == null || transferWindow.toSeconds() < 1) {
      throw new IllegalArgumentException("--transfer-window must be at least 1 second");
    }
  }

  /**
   * The options without a proxy selector or TLS context of the caller's (both from the
   * environment), with the default minimum transfer rate.
   */
  public RegistryOptions(
      @Nullable String creds,
      @Nullable Path authFile,
      @Nullable Path certDir,
      boolean tlsVerify,
      int attempts,
      Duration backoff) {
    this(
        creds,
        authFile,
        certDir,
        tlsVerify,
        attempts,
        backoff,
        null,
        null,
        DEFAULT_MIN_TRANSFER_RATE,
        DEFAULT_TRANSFER_WINDOW);
  }

  /**
   * No explicit credentials, system trust with TLS verified, 5 attempts starting at a 500 ms
   * backoff.
   */
  public static RegistryOptions defaults() {
    return new RegistryOptions(null, null, null, true, 5, Duration.ofMillis(500));
  }

  /** A copy with credentials {@code USER:PASS}. */
  public RegistryOptions withCreds(String v) {
    return toBuilder().creds(v).build();
  }

  /** A copy reading this auth file first. */
  public RegistryOptions withAuthFile(Path v) {
    return toBuilder().authFile(v).build();
  }

  /** A copy trusting the certificates in this directory. */
  public RegistryOptions withCertDir(Path v) {
    return toBuilder().certDir(v).build();
  }

  /** A copy with TLS verification on or off. */
  public RegistryOptions withTlsVerify(boolean v) {
    return toBuilder().tlsVerify(v).build();
  }

  /** A copy with another retry policy. */
  public RegistryOptions withRetries(int attemptsV, Duration backoffV) {
    return toBuilder().retries(attemptsV, backoffV).build();
  }

  /**
   * A copy choosing proxies with this selector instead of the environment (null: the environment
   * again).
   */
  public RegistryOptions withProxySelector(@Nullable ProxySelector v) {
    return toBuilder().proxySelector(v).build();
  }

  /** A copy with another minimum transfer rate (bytes per second; 0: off) over another window. */
  public RegistryOptions withMinTransferRate(long bytesPerSecond, Duration window) {
    return toBuilder().minTransferRate(bytesPerSecond, window).build();
  }

  /**
   * A copy using this TLS context for https registries (null: the system's CAs and the cert dir).
   */
  public RegistryOptions withTlsContext(@Nullable SSLContext v) {
    return toBuilder().tlsContext(v).build();
  }

  /** A builder holding these options, for changing several at once. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes some of the options of a {@link RegistryOptions}; {@link #build} validates them as the
   * constructor does.
   */
  public static final class Builder {
    private @Nullable String creds;
    private @Nullable Path authFile;
    private @Nullable Path certDir;
    private boolean tlsVerify;
    private int attempts;
    private Duration backoff;
    private @Nullable ProxySelector proxySelector;
    private @Nullable SSLContext tlsContext;
    private long minTransferRate;
    private Duration transferWindow;

    private Builder(RegistryOptions o) {
      creds = o.creds;
      authFile = o.authFile;
      certDir = o.certDir;
      tlsVerify = o.tlsVerify;
      attempts = o.attempts;
      backoff = o.backoff;
      proxySelector = o.proxySelector;
      tlsContext = o.tlsContext;
      minTransferRate = o.minTransferRate;
      transferWindow = o.transferWindow;
    }

    /** Credentials {@code USER:PASS}, or null for none of the caller's. */
    public Builder creds(@Nullable String v) {
      creds = v;
      return this;
    }

    /** The auth file read first, or null. */
    public Builder authFile(@Nullable Path v) {
      authFile = v;
      return this;
    }

    /** The directory of extra certificates, or null. */
    public Builder certDir(@Nullable Path v) {
      certDir = v;
      return this;
    }

    /** TLS verification on or off. */
    public Builder tlsVerify(boolean v) {
      tlsVerify = v;
      return this;
    }

    /** Attempts per request and the first backoff. */
    public Builder retries(int attemptsV, Duration backoffV) {
      attempts = attemptsV;
      backoff = backoffV;
      return this;
    }

    /** The proxy selector, or null for the environment's. */
    public Builder proxySelector(@Nullable ProxySelector v) {
      proxySelector = v;
      return this;
    }

    /** The TLS context, or null for the system's CAs and the cert dir. */
    public Builder tlsContext(@Nullable SSLContext v) {
      tlsContext = v;
      return this;
    }

    /** The minimum transfer rate (bytes per second; 0: off) over a window. */
    public Builder minTransferRate(long bytesPerSecond, Duration window) {
      minTransferRate = bytesPerSecond;
      transferWindow = window;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException as the constructor does
     */
    public RegistryOptions build() {
      return new RegistryOptions(
          creds,
          authFile,
          certDir,
          tlsVerify,
          attempts,
          backoff,
          proxySelector,
          tlsContext,
          minTransferRate,
          transferWindow);
    }
  }
}
