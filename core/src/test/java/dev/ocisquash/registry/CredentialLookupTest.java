package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.ImageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialLookupTest {
  @TempDir Path dir;

  static String auths(String key, String userPass) {
    String b64 = Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\"" + key + "\":{\"auth\":\"" + b64 + "\"}}}";
  }

  @Test
  void credsWinThenAuthFileThenRegistryAuthFileThenDockerConfig() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), auths("reg:5000", "docker:d"));
    Path raf = dir.resolve("raf.json");
    Files.writeString(raf, auths("reg:5000", "raf:r"));
    Path given = dir.resolve("given.json");
    Files.writeString(given, auths("https://reg:5000/v2/", "given:g:with:colons"));
    RegistryOptions o = RegistryOptions.defaults();
    CredentialLookup onlyHome = new CredentialLookup(Map.of(), home);
    assertEquals(new Credential("docker", "d"), onlyHome.find("reg:5000", o));
    assertNull(onlyHome.find("other:5000", o));
    CredentialLookup withRaf =
        new CredentialLookup(Map.of("REGISTRY_AUTH_FILE", raf.toString()), home);
    assertEquals(new Credential("raf", "r"), withRaf.find("reg:5000", o));
    assertEquals(
        new Credential("given", "g:with:colons"), withRaf.find("reg:5000", o.withAuthFile(given)));
    assertEquals(new Credential("u", "p:q"), withRaf.find("reg:5000", o.withCreds("u:p:q")));
  }

  @Test
  void dockerHubKeysNameDockerIo() throws Exception {
    Files.createDirectories(dir.resolve(".docker"));
    Files.writeString(
        dir.resolve(".docker/config.json"), auths("https://index.docker.io/v1/", "hub:h"));
    assertEquals(
        new Credential("hub", "h"),
        new CredentialLookup(Map.of(), dir).find("docker.io", RegistryOptions.defaults()));
  }

  @Test
  void aBrokenAuthEntryIsAnErrorNamingTheFile() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"auths\":{\"reg\":{\"auth\":\"%%%\"}}}");
    ImageException e =
        assertThrows(
            ImageException.class,
            () ->
                new CredentialLookup(Map.of(), dir)
                    .find("reg", RegistryOptions.defaults().withAuthFile(f)));
    assertTrue(e.getMessage().startsWith(f + ": auths.reg.auth is not base64"), e.getMessage());
  }

  @Test
  void aMissingHelperIsAnErrorNamingIt() throws Exception {
    Path f = dir.resolve("helper.json");
    Files.writeString(f, "{\"credHelpers\":{\"reg\":\"ocisquash-no-such-helper\"}}");
    ImageException e =
        assertThrows(
            ImageException.class,
            () ->
                new CredentialLookup(Map.of(), dir)
                    .find("reg", RegistryOptions.defaults().withAuthFile(f)));
    assertTrue(
        e.getMessage().contains("docker-credential-ocisquash-no-such-helper cannot run"),
        e.getMessage());
  }

  @Test
  void challengesAreParsed() {
    Map<String, String> p =
        RegistryAuth.params(
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");
    assertEquals("https://auth.example/token", p.get("realm"));
    assertEquals("registry.example", p.get("service"));
    assertEquals("repository:a/b:pull,push", p.get("scope"));
  }

  @Test
  void aHelperThatHangsIsStoppedAtTheTimeout() throws Exception {
    Path dir = Files.createTempDirectory("ocisquash-helper");
    try {
      Path helper = dir.resolve("docker-credential-hangs");
      // It never writes nor exits: the old lookup read its output first and waited for ever.
      Files.writeString(helper, "#!/bin/sh\nexec sleep 30\n");
      assertTrue(helper.toFile().setExecutable(true));
      Path f = dir.resolve("config.json");
      Files.writeString(f, "{\"credHelpers\":{\"reg\":\"hangs\"}}");
      CredentialLookup lookup = new CredentialLookup(Map.of("PATH", dir.toString()), dir, 1);
      ImageException e =
          assertThrows(
              ImageException.class,
              () -> lookup.find("reg", RegistryOptions.defaults().withAuthFile(f)));
      assertEquals(
          "reg: credential helper docker-credential-hangs did not finish within 1 s",
          e.getMessage());
    } finally {
      try (var all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
