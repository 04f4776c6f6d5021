package dev.ocisquash.registry;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One HTTP response as {@link HttpTransport} received it: the status, the headers (names compared
 * without case), the URI it answers and its body, which the caller must read to the end or close
 * (that releases the connection).
 */
final class HttpReply {
  private final int status;
  private final Map<String, List<String>> headers;
  private final URI uri;
  private final InputStream body;

  /**
   * @param headers by lower-case name
   */
  HttpReply(int status, Map<String, List<String>> headers, URI uri, InputStream body) {
    this.status = status;
    this.headers = headers;
    this.uri = uri;
    this.body = body;
  }

  /** The status code. */
  int statusCode() {
    return status;
  }

  /** The first value of a header, if present. */
  Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** The first value of a header as a number, if present and numeric. */
  OptionalLong headerLong(String name) {
    Optional<String> v = header(name);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The URI this response answers (after redirects: the last one asked). */
  URI uri() {
    return uri;
  }

  /** The body; empty for HEAD, 204 and 304. */
  InputStream body() {
    return body;
  }
}
