package dev.ocisquash.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.testing.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 transport (Apache HttpClient underneath) against a scripted server on a raw socket,
 * so each test decides the exact bytes of a response: the framings (length, chunked, until close),
 * keep-alive reuse, a stale kept-alive connection, streamed uploads, bodies closed early, and
 * malformed or truncated responses, which must fail with an IOException.
 */
class HttpTransportTest {
  private ScriptedServer server;
  private final HttpTransport http = transport();

  static HttpTransport transport() {
    try {
      return new HttpTransport(
          new TlsStrategy(
              () -> {
                throw new IOException("no TLS in these tests");
              },
              true),
          new ProxyRoutes(null, new ProxyEnvironment(Map.of(), k -> null)),
          new RateGuard(0, 1),
          5_000,
          5_000);
    } catch (dev.ocisquash.ImageException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void stop() throws IOException {
    http.close();
    if (server != null) {
      server.close();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private HttpReply get(String path) throws IOException {
    return http.send("GET", server.uri(path), Map.of(), null, 0, 0);
  }

  @Test
  void lengthAndChunkedBodiesShareOneKeptAliveConnection() throws IOException {
    server =
        new ScriptedServer(
            req ->
                req.path().equals("/a")
                    ? ascii(
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Two: one\r\nx-two: two\r\n\r\nhello")
                    : ascii(
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nTrailer: t\r\n\r\n"));
    HttpReply a = get("/a");
    assertEquals(200, a.statusCode());
    assertEquals("one", a.header("x-TWO").orElseThrow());
    assertArrayEquals(ascii("hello"), a.body().readAllBytes());
    HttpReply b = get("/b");
    assertArrayEquals(ascii("abcdefg"), b.body().readAllBytes());
    assertArrayEquals(ascii("hello"), get("/a").body().readAllBytes());
    assertEquals(1, server.connections.get());
  }

  @Test
  void requestCarriesMethodPathQueryHostLengthAndBody() throws IOException {
    server = new ScriptedServer(req -> ascii("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));
    byte[] body = ascii("xxpayloadyy");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Range", "0-6");
    HttpReply r =
        http.send("PATCH", server.uri("/v2/r/blobs/uploads/u?_state=s%2B"), headers, body, 2, 7);
    assertEquals(202, r.statusCode());
    assertEquals(-1, r.body().read());
    ScriptedServer.Request seen = server.requests.get(0);
    assertEquals("PATCH /v2/r/blobs/uploads/u?_state=s%2B HTTP/1.1", seen.line());
    assertTrue(seen.head().contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), seen.head());
    assertTrue(seen.head().contains("\r\nContent-Range: 0-6\r\n"), seen.head());
    assertArrayEquals(ascii("payload"), seen.body());
  }

  @Test
  void aStreamedBodyGoesOutInChunksAndTheResponseFollows() throws IOException {
    server =
        new ScriptedServer(
            req -> ascii("HTTP/1.1 202 Accepted\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"));
    HttpTransport.StreamedRequest s =
        http.stream("PATCH", server.uri("/up"), Map.of("Content-Type", "x/y"));
    byte[] big = new byte[200_000];
    new Random(3).nextBytes(big);
    s.body().write(ascii("first "));
    s.body().write(big);
    s.body().write(new byte[0]);
    s.body().write(ascii(" last"));
    HttpReply r = s.finish();
    assertEquals(202, r.statusCode());
    assertEquals("/next", r.header("Location").orElseThrow());
    ScriptedServer.Request seen = server.requests.get(0);
    assertTrue(seen.head().contains("\r\nTransfer-Encoding: chunked\r\n"), seen.head());
    assertTrue(!seen.head().contains("Content-Length"), seen.head());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(ascii("first "));
    expected.write(big);
    expected.write(ascii(" last"));
    assertArrayEquals(expected.toByteArray(), seen.body());
  }

  @Test
  void bodyUntilCloseAndInterimResponses() throws IOException {
    server =
        new ScriptedServer(
            req -> ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nto the end"), true);
    assertArrayEquals(ascii("to the end"), get("/x").body().readAllBytes());
    assertArrayEquals(ascii("to the end"), get("/x").body().readAllBytes());
    assertEquals(2, server.connections.get());
  }

  @Test
  void headHas204AndConnectionCloseAreHonoured() throws IOException {
    server =
        new ScriptedServer(
            req ->
                req.line().startsWith("HEAD")
                    ? ascii("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")
                    : ascii("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"));
    HttpReply h = http.send("HEAD", server.uri("/b"), Map.of(), null, 0, 0);
    assertEquals(1234, h.headerLong("Content-Length").orElseThrow());
    assertEquals(-1, h.body().read());
    assertEquals(204, get("/c").statusCode());
    assertEquals(1, server.connections.get(), "HEAD's connection was kept");
    assertEquals(204, get("/c").statusCode());
    assertEquals(2, server.connections.get(), "the 204 asked to close");
  }

  @Test
  void aKeptAliveConnectionTheServerClosedIsReplacedTransparently() throws IOException {
    // The server answers one request per connection without saying so: the pooled one is dead at
    // the next request.
    server =
        new ScriptedServer(req -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), true);
    assertArrayEquals(ascii("ok"), get("/1").body().readAllBytes());
    assertArrayEquals(ascii("ok"), get("/2").body().readAllBytes());
    assertEquals(2, server.connections.get());
  }

  @Test
  void aBodyClosedEarlyCutsItsConnection() throws IOException {
    server =
        new ScriptedServer(req -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"));
    HttpReply r = get("/a");
    assertEquals('0', r.body().read());
    r.body().close();
    assertThrows(IOException.class, () -> r.body().read());
    assertArrayEquals(ascii("0123456789"), get("/a").body().readAllBytes());
    assertEquals(2, server.connections.get());
  }

  @Test
  void truncatedAndMalformedResponsesFailWithWhatWasWrong() throws IOException {
    server =
        new ScriptedServer(
            req ->
                switch (req.path()) {
                  case "/short" -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234");
                  case "/chunk" ->
                      ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
                  case "/chunkend" ->
                      ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
                  case "/chunkline" ->
                      ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5");
                  case "/length" ->
                      ascii(
                          "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
                  case "/header" -> ascii("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
                  case "/headers" -> ascii("HTTP/1.1 200 OK\r\nContent-Le");
                  default -> ascii("SSH-2.0-OpenSSH_9.2\r\n\r\n");
                },
            true);
    assertTrue(
        message(() -> get("/short").body().readAllBytes()).contains("expected: 10; received: 5"));
    assertTrue(message(() -> get("/chunk").body().readAllBytes()).contains("Bad chunk header: zz"));
    assertTrue(message(() -> get("/chunkend").body().readAllBytes()).contains("Truncated chunk"));
    assertTrue(message(() -> get("/chunkline").body().readAllBytes()).contains("Truncated chunk"));
    assertTrue(message(() -> get("/length")).contains("Multiple Content-Length headers"));
    assertTrue(message(() -> get("/header")).contains("Invalid header"));
    assertTrue(message(() -> get("/headers")).contains("Invalid header"));
    assertTrue(message(() -> get("/ssh")).contains("failed to respond"));
  }

  @Test
  void endlessHeaderLinesAndFieldsAreRefusedAtTheirLimits() throws IOException {
    String longLine = "x".repeat(HttpTransport.MAX_LINE + 1);
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= HttpTransport.MAX_HEADERS; i++) {
      many.append("X-").append(i).append(": v\r\n");
    }
    server =
        new ScriptedServer(
            req ->
                req.path().equals("/line")
                    ? ascii(
                        "HTTP/1.1 200 OK\r\nX-Long: " + longLine + "\r\nContent-Length: 0\r\n\r\n")
                    : ascii("HTTP/1.1 200 OK\r\n" + many + "Content-Length: 0\r\n\r\n"),
            true);
    assertTrue(message(() -> get("/line")).contains("Maximum line length limit exceeded"));
    assertTrue(message(() -> get("/fields")).contains("Maximum header count exceeded"));
  }

  @Test
  void headerValuesCannotSmuggleHeaders() throws IOException {
    server = new ScriptedServer(req -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                http.send(
                    "GET",
                    server.uri("/"),
                    Map.of("Authorization", "Bearer x\r\nX-Evil: 1"),
                    null,
                    0,
                    0));
    assertEquals("header Authorization has a line break in its value", e.getMessage());
    assertTrue(server.requests.isEmpty());
  }

  private interface Call {
    void run() throws IOException;
  }

  private static String message(Call c) {
    return assertThrows(IOException.class, c::run).getMessage();
  }
}
