package dev.ocisquash.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the image says its processes run: the config's {@code Env}, {@code WorkingDir} and {@code
 * User}, the user resolved to numbers against the image's own {@code /etc/passwd} and {@code
 * /etc/group} as a container runtime does (a number needs no entry; a name must have one). Pure.
 *
 * @param env {@code KEY=VALUE} entries, in the config's order
 * @param workingDir the absolute working directory ("/" when the config names none)
 * @param uid the user id
 * @param gid the group id
 */
public record ImageRuntime(List<String> env, String workingDir, int uid, int gid) {
  public ImageRuntime {
    env = List.copyOf(env);
  }

  /**
   * Reads the config.
   *
   * @param config the image config JSON
   * @param passwd the image's /etc/passwd, or "" when it has none
   * @param group the image's /etc/group, or ""
   * @throws ImageException when the user or group names no entry
   */
  public static ImageRuntime of(JsonNode config, String passwd, String group)
      throws ImageException {
    JsonNode c = config.path("config");
    List<String> env = new ArrayList<>();
    c.path("Env").forEach(e -> env.add(e.asText()));
    String wd = c.path("WorkingDir").asText("");
    if (wd.isEmpty()) {
      wd = "/";
    }
    if (!wd.startsWith("/")) {
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT, "image config: WorkingDir '" + wd + "' is not an absolute path");
    }
    String user = c.path("User").asText("");
    if (user.isEmpty()) {
      return new ImageRuntime(env, wd, 0, 0);
    }
    int colon = user.indexOf(':');
    String u = colon < 0 ? user : user.substring(0, colon);
    String g = colon < 0 ? null : user.substring(colon + 1);
    String[] pw = entry(passwd, u, 2);
    int uid;
    int gid;
    if (isNumber(u)) {
      uid = Integer.parseInt(u);
      gid = pw != null && isNumber(pw[3]) ? Integer.parseInt(pw[3]) : uid == 0 ? 0 : uid;
    } else if (pw != null && isNumber(pw[2]) && isNumber(pw[3])) {
      uid = Integer.parseInt(pw[2]);
      gid = Integer.parseInt(pw[3]);
    } else {
      throw new ImageException(
          Kind.UNSUPPORTED_INPUT,
          "image config: User '" + user + "': no user '" + u + "' in the image's /etc/passwd");
    }
    if (g != null) {
      if (isNumber(g)) {
        gid = Integer.parseInt(g);
      } else {
        String[] gr = entry(group, g, 2);
        if (gr == null || !isNumber(gr[2])) {
          throw new ImageException(
              Kind.UNSUPPORTED_INPUT,
              "image config: User '" + user + "': no group '" + g + "' in the image's /etc/group");
        }
        gid = Integer.parseInt(gr[2]);
      }
    }
    return new ImageRuntime(env, wd, uid, gid);
  }

  /**
   * The line of a passwd/group file whose name (or, for a number, id field {@code idField})
   * matches.
   */
  private static String @Nullable [] entry(String file, String key, int idField) {
    // An empty line (after the file's last newline) has fewer than 4 fields and is skipped.
    for (String line : file.split("\n", -1)) {
      String[] f = line.split(":", -1);
      if (f.length < 4) {
        continue;
      }
      if (f[0].equals(key) || (isNumber(key) && f[idField].equals(key))) {
        return f;
      }
    }
    return null;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
  }
}
