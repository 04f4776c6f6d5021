package dev.ocisquash.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 for the registry client on Apache HttpClient 5 (classic, blocking I/O; the library
 * choice and its measurement are in core/pom.xml): requests with a byte-array body or one streamed
 * as it is written (chunked transfer coding), responses whose bodies stream to the caller. Proxies
 * ({@link ProxyRoutes}), TLS ({@link TlsStrategy}) and the pool of kept-alive connections are the
 * library's; redirects, authentication and retries are left to {@link RegistryClient}, which
 * applies the registry's rules to them.
 *
 * <p>Thread-safe: requests may run on several threads at once, each on its own connection.
 */
final class HttpTransport implements AutoCloseable {
  /**
   * The longest response line (status, header field, chunk size) read, as the socket client had it.
   */
  static final int MAX_LINE = 64 << 10;

  /** The most header fields of one response. */
  static final int MAX_HEADERS = 256;

  private final CloseableHttpClient client;
  private final ProxyRoutes routes;
  private final RateGuard guard;

  /** Runs the client's side of streamed uploads: the library pulls a body, the caller pushes it. */
  private final ExecutorService uploads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "ocisquash-upload");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param tls the TLS set-up for https URIs (made on first use)
   * @param routes which proxy, if any, each request takes, and its credentials
   * @param guard the minimum transfer rate of every exchange
   * @param readTimeoutMillis how long a read may wait for the next byte (a backstop: the guard cuts
   *     sooner)
   */
  HttpTransport(
      TlsStrategy tls,
      ProxyRoutes routes,
      RateGuard guard,
      int connectTimeoutMillis,
      int readTimeoutMillis) {
    this.routes = routes;
    this.guard = guard;
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setTlsSocketStrategy(tls)
            // The library reads lines and header fields without bound by default: a registry
            // sending one endless
            // header line at loopback speed would fill the heap before the rate guard's window
            // ends.
            .setConnectionFactory(
                ManagedHttpClientConnectionFactory.builder()
                    .http1Config(
                        Http1Config.custom()
                            .setMaxLineLength(MAX_LINE)
                            .setMaxHeaderCount(MAX_HEADERS)
                            .setMaxEmptyLineCount(16)
                            .build())
                    .build())
            .setMaxConnPerRoute(64)
            .setMaxConnTotal(256)
            .setDefaultSocketConfig(
                SocketConfig.custom()
                    .setTcpNoDelay(true)
                    .setSoTimeout(Timeout.ofMilliseconds(readTimeoutMillis))
                    .build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMillis))
                    .setSocketTimeout(Timeout.ofMilliseconds(readTimeoutMillis))
                    .setValidateAfterInactivity(Timeout.ofSeconds(2))
                    .build())
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setRoutePlanner(routes)
            .setUserAgent("ocisquash")
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(false)
                    .setExpectContinueEnabled(false)
                    .setConnectionRequestTimeout(Timeout.ofMinutes(5))
                    .build())
            .disableRedirectHandling()
            .setRetryStrategy(new StaleConnectionRetry())
            .disableCookieManagement()
            .disableContentCompression()
            .build();
  }

  /**
   * Sends one request and reads the response's status and headers; the body is left to the caller.
   *
   * @param body the request body, or null for none ({@code len} bytes at {@code off})
   * @throws IOException when the connection fails or the response is not HTTP
   */
  HttpReply send(
      String method, URI uri, Map<String, String> headers, byte @Nullable [] body, int off, int len)
      throws IOException {
    HttpUriRequestBase request = request(method, uri, headers);
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body, off, len, null));
    }
    return execute(request, uri);
  }

  /**
   * Starts a request whose body is sent as it is written, in chunked transfer coding: for uploads
   * whose length is known only at their end.
   */
  StreamedRequest stream(String method, URI uri, Map<String, String> headers) throws IOException {
    return new StreamedRequest(request(method, uri, headers), uri);
  }

  private HttpUriRequestBase request(String method, URI uri, Map<String, String> headers)
      throws IOException {
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IOException("unsupported scheme in " + Printable.of(uri.toString()));
    }
    if (uri.getHost() == null) {
      throw new IOException("no host in " + Printable.of(uri.toString()));
    }
    HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
        // A token or Location from a server must not add headers of its own to a request.
        throw new IOException("header " + h.getKey() + " has a line break in its value");
      }
      request.addHeader(h.getKey(), h.getValue());
    }
    return request;
  }

  private HttpReply execute(HttpUriRequestBase request, URI uri) throws IOException {
    HttpClientContext context = routes.context(request.getMethod(), uri);
    RateGuard.Meter meter = guard.start(request::cancel);
    ClassicHttpResponse response;
    meter.begin();
    try {
      response = client.executeOpen(null, request, context);
    } catch (IllegalArgumentException | IllegalStateException e) {
      meter.close();
      throw new IOException(Printable.of(Responses.detail(e)), e);
    } catch (IOException e) {
      meter.close();
      throw cut(meter, e);
    } finally {
      meter.end(0);
    }
    return reply(request, response, uri, meter);
  }

  /** A failure of an exchange the guard cut, as the guard's reason; else the failure as it is. */
  private static IOException cut(RateGuard.Meter meter, IOException e) {
    return meter.failure() == null ? e : new IOException(meter.failure(), e);
  }

  private static HttpReply reply(
      HttpUriRequestBase request, ClassicHttpResponse response, URI uri, RateGuard.Meter meter) {
    Map<String, List<String>> headers = new HashMap<>();
    for (Header h : response.getHeaders()) {
      headers
          .computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
          .add(h.getValue());
    }
    HttpEntity entity = response.getEntity();
    InputStream body;
    try {
      body = entity == null ? null : entity.getContent();
    } catch (IOException e) {
      body = null;
    }
    if (body == null) {
      closeQuietly(response);
      meter.close();
      body = InputStream.nullInputStream();
    } else {
      body = new Body(body, request, response, meter);
    }
    return new HttpReply(response.getCode(), headers, uri, body);
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException e) {
      // the connection is dropped either way
    }
  }

  /**
   * A response body. Read to its end, its connection goes back to the pool; closed before that (or
   * from another thread, to cut a stalled read), the connection is dropped: the library would
   * otherwise read the rest of the body to keep the connection.
   */
  private static final class Body extends InputStream {
    private final InputStream in;
    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;
    private final RateGuard.Meter meter;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean ended;

    Body(
        InputStream in,
        HttpUriRequestBase request,
        ClassicHttpResponse response,
        RateGuard.Meter meter) {
      this.in = in;
      this.request = request;
      this.response = response;
      this.meter = meter;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed.get()) {
        throw new IOException(meter.failure() != null ? meter.failure() : "stream closed");
      }
      int n;
      meter.begin();
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw cut(meter, e);
      } finally {
        meter.end(0);
      }
      meter.end(n);
      if (n < 0) {
        ended = true;
        meter.close();
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return closed.get() ? 0 : in.available();
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      meter.close();
      if (!ended) {
        request.cancel();
      }
      try {
        in.close();
      } catch (IOException e) {
        // a cancelled request's stream fails to close: the connection is gone
      }
      closeQuietly(response);
    }
  }

  /**
   * A request being sent: {@link #body()} takes the body, {@link #finish()} ends it and reads the
   * response.
   */
  final class StreamedRequest {
    private final HttpUriRequestBase request;
    private final URI uri;

    /** The connection's body stream, handed over by the library when it starts sending the body. */
    private final CompletableFuture<OutputStream> sink = new CompletableFuture<>();

    private final CountDownLatch written = new CountDownLatch(1);
    private final CompletableFuture<ClassicHttpResponse> response = new CompletableFuture<>();
    private volatile boolean aborted;
    private final RateGuard.Meter meter;
    private @Nullable OutputStream out;
    private final OutputStream body =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) {
              OutputStream o = out();
              meter.begin();
              try {
                o.write(b, off, len);
              } catch (IOException e) {
                throw cut(meter, e);
              } finally {
                meter.end(0);
              }
              meter.end(len);
            }
          }
        };

    private StreamedRequest(HttpUriRequestBase request, URI uri) {
      this.request = request;
      this.uri = uri;
      this.meter = guard.start(request::cancel);
      request.setEntity(new PushedEntity());
      HttpClientContext context = routes.context(request.getMethod(), uri);
      uploads.execute(
          () -> {
            try {
              response.complete(client.executeOpen(null, request, context));
            } catch (IOException | RuntimeException e) {
              response.completeExceptionally(e);
            }
            sink.completeExceptionally(
                new IOException("the request ended before its body was sent"));
          });
    }

    private OutputStream out() throws IOException {
      if (out == null) {
        CompletableFuture.anyOf(sink, response).exceptionally(e -> null).join();
        if (!sink.isDone()) {
          // the library answered before it asked for the body: a failure
          throw failure();
        }
        try {
          out = sink.getNow(null);
        } catch (RuntimeException e) {
          throw failure();
        }
      }
      return out;
    }

    private IOException failure() {
      try {
        ClassicHttpResponse r = response.get();
        closeQuietly(r);
        return new IOException("HTTP " + r.getCode() + " before the body was sent");
      } catch (ExecutionException e) {
        return e.getCause() instanceof IOException io
            ? io
            : new IOException(
                Responses.detail(java.util.Objects.requireNonNullElse(e.getCause(), e)), e);
      } catch (InterruptedException | CancellationException e) {
        Thread.currentThread().interrupt();
        return new java.io.InterruptedIOException("interrupted");
      }
    }

    /** Where the body goes; the library frames it in chunks. */
    OutputStream body() {
      return body;
    }

    /** Ends the body and reads the response's status and headers. */
    HttpReply finish() throws IOException {
      out();
      written.countDown();
      ClassicHttpResponse r;
      meter.begin();
      try {
        r = response.get();
      } catch (ExecutionException e) {
        meter.close();
        throw cut(
            meter,
            e.getCause() instanceof IOException io
                ? io
                : new IOException(
                    Responses.detail(java.util.Objects.requireNonNullElse(e.getCause(), e)), e));
      } catch (InterruptedException e) {
        abort();
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      } finally {
        meter.end(0);
      }
      return reply(request, r, uri, meter);
    }

    /** Drops the request and its connection. */
    void abort() {
      aborted = true;
      meter.close();
      request.cancel();
      written.countDown();
      var unused = response.thenAccept(HttpTransport::closeQuietly); // closes whenever it comes
    }

    /**
     * The body as the library sees it: it hands its stream over and waits until the caller has
     * written all.
     */
    private final class PushedEntity extends AbstractHttpEntity {
      PushedEntity() {
        super((String) null, null, true);
      }

      @Override
      public void writeTo(OutputStream stream) throws IOException {
        sink.complete(stream);
        try {
          written.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted");
        }
        if (aborted) {
          throw new IOException("upload aborted");
        }
      }

      @Override
      public InputStream getContent() {
        throw new UnsupportedOperationException("a streamed upload is written, not read");
      }

      @Override
      public long getContentLength() {
        return -1;
      }

      @Override
      public boolean isRepeatable() {
        return false;
      }

      @Override
      public boolean isStreaming() {
        return true;
      }

      @Override
      public void close() {}
    }
  }

  /**
   * Sends a request again, once, when a connection failed before any byte of the response ({@link
   * NoHttpResponseException}: a kept-alive connection the server had closed). Everything else,
   * statuses included, is {@link RegistryClient}'s to retry. The library repeats only requests
   * whose body it can send again.
   */
  private static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
    @Override
    public boolean retryRequest(
        HttpRequest request, IOException e, int execCount, HttpContext context) {
      return execCount <= 1 && e instanceof NoHttpResponseException;
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
      return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
      return TimeValue.ZERO_MILLISECONDS;
    }
  }

  /** Closes the pool's connections and the upload threads. */
  @Override
  public void close() {
    uploads.shutdownNow();
    guard.close();
    try {
      client.close();
    } catch (IOException e) {
      // nothing left to release
    }
    try {
      uploads.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
