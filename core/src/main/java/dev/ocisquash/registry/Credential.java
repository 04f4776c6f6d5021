package dev.ocisquash.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and secret for one registry, from {@code --creds}, an auth file or a credential
 * helper.
 *
 * @param username the user name
 * @param secret the password or access token, or the identity token
 * @param identityToken whether {@code secret} is a Docker identity token (an OAuth2 refresh token:
 *     the {@code "identitytoken"} key of config.json, or a helper's {@code "Username": "<token>"}),
 *     exchanged at the token realm
 */
record Credential(String username, String secret, boolean identityToken) {
  /** A user name and password. */
  Credential(String username, String secret) {
    this(username, secret, false);
  }

  /** Parses {@code USER:PASS} (the password may contain colons). */
  public static Credential parse(String userColonPass) {
    int colon = userColonPass.indexOf(':');
    return new Credential(userColonPass.substring(0, colon), userColonPass.substring(colon + 1));
  }

  /** The value of an {@code Authorization: Basic} header. */
  String basicHeader() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "Credential{" + username + ", ***" + (identityToken ? ", identity token" : "") + "}";
  }
}
