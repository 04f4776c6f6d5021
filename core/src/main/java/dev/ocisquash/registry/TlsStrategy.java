package dev.ocisquash.registry;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * TLS for https connections (direct or inside a proxy's CONNECT tunnel): the context is made on
 * first use (setting one up costs about 0.1 s of a cold JVM, which a plain-HTTP registry never
 * needs), and the host name is checked by the JDK's own endpoint identification rather than the
 * library's verifier.
 */
final class TlsStrategy implements TlsSocketStrategy {
  /** Makes the TLS context when the first https connection needs it. */
  interface Source {
    /** The context; called at most once. */
    SSLContext get() throws IOException;
  }

  private final Source source;
  private final boolean verifyHostnames;
  private @Nullable SSLContext context;

  /**
   * @param source the context to use, made on first use
   * @param verifyHostnames whether an https server's certificate must name the host
   */
  TlsStrategy(Source source, boolean verifyHostnames) {
    this.source = source;
    this.verifyHostnames = verifyHostnames;
  }

  private synchronized SSLContext context() throws IOException {
    if (context == null) {
      context = source.get();
    }
    return context;
  }

  @Override
  public SSLSocket upgrade(
      Socket socket, String target, int port, Object attachment, HttpContext http)
      throws IOException {
    SSLSocket s = (SSLSocket) context().getSocketFactory().createSocket(socket, target, port, true);
    if (verifyHostnames) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
    }
    s.startHandshake();
    return s;
  }
}
