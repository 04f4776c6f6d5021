package dev.ocisquash.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds the credentials for a registry the way skopeo and docker do: {@code --authfile}, then
 * {@code $REGISTRY_AUTH_FILE}, then {@code $XDG_RUNTIME_DIR/containers/auth.json}, then {@code
 * $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}. In each file a {@code credHelpers}
 * entry for the registry wins, then an {@code auths} entry with a base64 {@code auth} of {@code
 * USER:PASS}, then the {@code credsStore} helper. A helper is the program {@code
 * docker-credential-NAME}, run as {@code get} with the server on its standard input.
 */
final class CredentialLookup {
  private static final long HELPER_TIMEOUT_S = 60;
  private final Map<String, String> env;
  private final Path home;
  private final long helperTimeoutSeconds;

  CredentialLookup(Map<String, String> env, Path home) {
    this(env, home, HELPER_TIMEOUT_S);
  }

  /**
   * @param helperTimeoutSeconds how long a credential helper may take, from its start
   */
  CredentialLookup(Map<String, String> env, Path home, long helperTimeoutSeconds) {
    this.env = env;
    this.home = home;
    this.helperTimeoutSeconds = helperTimeoutSeconds;
  }

  /**
   * The lookup for this process: its environment, and {@code $HOME} as docker reads it (else {@code
   * user.home}).
   */
  static CredentialLookup system() {
    String home = System.getenv("HOME");
    return new CredentialLookup(
        System.getenv(),
        Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")));
  }

  /**
   * The credential for {@code registry} ({@code HOST[:PORT]}), or null when none is configured
   * (anonymous).
   *
   * @throws ImageException when a file is unreadable or invalid, or a configured helper fails
   */
  @Nullable Credential find(String registry, RegistryOptions options) throws ImageException {
    if (options.creds() != null) {
      return Credential.parse(options.creds());
    }
    for (Path file : files(options)) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode doc;
      try {
        doc = Json.parse(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT, file + ": cannot read auth file: " + oneLine(e));
      }
      Credential c = fromFile(file, doc, registry);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private List<Path> files(RegistryOptions options) {
    List<Path> out = new ArrayList<>();
    if (options.authFile() != null) {
      out.add(options.authFile());
    }
    String raf = env.get("REGISTRY_AUTH_FILE");
    if (raf != null && !raf.isBlank()) {
      out.add(Path.of(raf));
    }
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      out.add(Path.of(xdg, "containers", "auth.json"));
    }
    String dockerConfig = env.get("DOCKER_CONFIG");
    out.add(
        dockerConfig != null && !dockerConfig.isBlank()
            ? Path.of(dockerConfig, "config.json")
            : home.resolve(".docker").resolve("config.json"));
    return out;
  }

  private @Nullable Credential fromFile(Path file, JsonNode doc, String registry)
      throws ImageException {
    String helper = doc.path("credHelpers").path(registry).asText(null);
    if (helper != null && !helper.isEmpty()) {
      return helper(helper, registry);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("auths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!hostOf(e.getKey()).equals(registry)) {
        continue;
      }
      String auth = e.getValue().path("auth").asText("");
      String identity = e.getValue().path("identitytoken").asText("");
      if (!identity.isEmpty()) {
        // docker login stores an identity token (Azure and others) beside a placeholder user; the
        // token is the secret
        return new Credential(userOf(auth), identity, true);
      }
      if (auth.isEmpty()) {
        continue; // docker writes an empty entry for registries whose secret is in credsStore
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException ex) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT, file + ": auths." + e.getKey() + ".auth is not base64");
      }
      if (decoded.indexOf(':') < 0) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT,
            file + ": auths." + e.getKey() + ".auth is not USER:PASS in base64");
      }
      return Credential.parse(decoded);
    }
    String store = doc.path("credsStore").asText(null);
    if (store != null && !store.isEmpty()) {
      return helper(store, registry);
    }
    return null;
  }

  /** The user name in a base64 {@code USER:PASS}, or "" when there is none. */
  private static String userOf(String auth) {
    try {
      String d = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      int c = d.indexOf(':');
      return c < 0 ? "" : d.substring(0, c);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /**
   * {@code https://index.docker.io/v1/} and {@code docker.io} both name Docker Hub; keys may carry
   * a scheme.
   */
  static String hostOf(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
      return "docker.io";
    }
    return k;
  }

  /** Runs {@code docker-credential-NAME get}; null when the helper has no entry for the server. */
  private @Nullable Credential helper(String name, String registry) throws ImageException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          "credential helper name '" + name + "' is not a plain program name");
    }
    String program = "docker-credential-" + name;
    String server = registry.equals("docker.io") ? "https://index.docker.io/v1/" : registry;
    Process p;
    try {
      p = new ProcessBuilder(onPath(program), "get").redirectErrorStream(false).start();
    } catch (IOException e) {
      throw new ImageException(
          Kind.REGISTRY,
          registry + ": credential helper " + program + " cannot run: " + oneLine(e));
    }
    try {
      // The output is read on other threads, so the timeout runs from the start: a helper that
      // hangs before or
      // while it writes is stopped, not waited for.
      CompletableFuture<byte[]> stdout = drain(p.getInputStream());
      CompletableFuture<byte[]> stderr = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        in.write(server.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // a helper that does not read its input still answers (or times out below)
      }
      if (!p.waitFor(helperTimeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ImageException(
            Kind.REGISTRY,
            registry
                + ": credential helper "
                + program
                + " did not finish within "
                + helperTimeoutSeconds
                + " s");
      }
      byte[] out = stdout.join();
      byte[] err = stderr.join();
      String text = new String(out, StandardCharsets.UTF_8).trim();
      if (p.exitValue() != 0) {
        String why = (text + " " + new String(err, StandardCharsets.UTF_8)).trim();
        if (why.toLowerCase(Locale.ROOT).contains("credentials not found")) {
          return null;
        }
        throw new ImageException(
            Kind.REGISTRY,
            registry
                + ": credential helper "
                + program
                + " failed (exit "
                + p.exitValue()
                + "): "
                + oneLine(why));
      }
      JsonNode doc = Json.parse(out);
      String user = doc.path("Username").asText("");
      String secret = doc.path("Secret").asText("");
      if (secret.isEmpty()) {
        return null;
      }
      // docker-credential-helpers: "<token>" as the user name marks the secret as an identity token
      return new Credential(user, secret, user.equals("<token>"));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ImageException(
          Kind.INTERRUPTED, registry + ": credential helper " + program + " interrupted");
    } catch (ImageException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageException(
          Kind.REGISTRY,
          registry + ": credential helper " + program + " gave no usable answer: " + oneLine(e));
    }
  }

  /**
   * The program found on this lookup's {@code PATH}, as docker's exec.LookPath finds it; else the
   * bare name.
   */
  private String onPath(String program) {
    for (String dir : env.getOrDefault("PATH", "").split(":", -1)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return program;
  }

  private static CompletableFuture<byte[]> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        },
        r -> {
          Thread t = new Thread(r, "ocisquash-credential-helper");
          t.setDaemon(true);
          t.start();
        });
  }

  private static String oneLine(Object o) {
    String s =
        o instanceof Throwable t
            ? (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
            : String.valueOf(o);
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
