package dev.ocisquash.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocisquash.model.Digest;
import dev.ocisquash.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Helpers for registry responses and failures: status text with the registry's error codes, body
 * disposal.
 */
final class Responses {
  private static final int DRAIN_LIMIT = 64 << 10;

  private Responses() {}

  /** The status line and the registry's error codes, for messages; consumes the body. */
  static String status(HttpReply r) {
    return "HTTP " + r.statusCode() + errorText(r);
  }

  /**
   * The registry's error codes and messages from a JSON error body, as {@code " (CODE: message;
   * ...)"}, or "".
   */
  static String errorText(HttpReply r) {
    return errors(r).text();
  }

  /**
   * A registry's error body: its codes, and {@code " (CODE: message; ...)"} for messages (or "").
   *
   * @param codes the {@code errors[].code} values
   */
  record Errors(java.util.List<String> codes, String text) {}

  /**
   * The error body of a response (read up to 16 KiB, then closed); none when it is not the spec's
   * JSON.
   */
  static Errors errors(HttpReply r) {
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readNBytes(16 << 10);
    } catch (IOException e) {
      return new Errors(java.util.List.of(), "");
    }
    try {
      JsonNode errs = Json.parse(body).path("errors");
      StringBuilder sb = new StringBuilder();
      java.util.List<String> codes = new java.util.ArrayList<>();
      for (JsonNode e : errs) {
        codes.add(Printable.of(e.path("code").asText("")));
        sb.append(sb.length() == 0 ? " (" : "; ")
            .append(e.path("code").asText(""))
            .append(": ")
            .append(e.path("message").asText(""));
      }
      return new Errors(codes, sb.length() == 0 ? "" : Printable.line(sb.append(')').toString()));
    } catch (IOException | RuntimeException e) {
      return new Errors(java.util.List.of(), "");
    }
  }

  /**
   * Reads and closes a body nobody needs. A short one (an error document, a redirect's page) is
   * read to its end so that its connection can serve the next request; a long one is cut, with its
   * connection.
   */
  static void discard(HttpReply r) {
    try (InputStream in = r.body()) {
      byte[] sink = new byte[8192];
      int left = DRAIN_LIMIT;
      int n;
      while (left > 0 && (n = in.read(sink, 0, Math.min(sink.length, left))) >= 0) {
        left -= n;
      }
    } catch (IOException e) {
      // nothing to keep
    }
  }

  /** The sha256 digest of some bytes. */
  static Digest sha256(byte[] bytes) {
    try {
      return Digest.parse(
          "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An exception as one short text: its message, with the class name when that says more. */
  static String detail(Throwable e) {
    String m = e.getMessage();
    String name = e.getClass().getSimpleName();
    return m == null || m.isBlank() ? name : name.equals("IOException") ? m : name + ": " + m;
  }
}
