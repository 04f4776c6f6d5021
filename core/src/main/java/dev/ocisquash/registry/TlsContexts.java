package dev.ocisquash.registry;

import dev.ocisquash.ImageException;
import dev.ocisquash.ImageException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS set-up as skopeo does it: the system's trusted CAs plus the {@code *.crt} files of a
 * certificate directory, and a client certificate from a {@code NAME.cert} / {@code NAME.key} pair
 * there (PEM, PKCS#8 key); or, with verification off, a context that accepts any server certificate
 * and host name.
 */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * The directory to use for {@code registry}: the given one, else the containers or docker default
   * if present.
   */
  static @Nullable Path certDirFor(String registry, @Nullable Path given) {
    if (given != null) {
      return given;
    }
    for (String base : new String[] {"/etc/containers/certs.d", "/etc/docker/certs.d"}) {
      Path p = Path.of(base, registry);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  /** A context trusting the system CAs and those in {@code certDir} (which may be null). */
  static SSLContext verifying(@Nullable Path certDir) throws ImageException {
    try {
      if (certDir == null) {
        return SSLContext.getDefault();
      }
      if (!Files.isDirectory(certDir)) {
        throw new ImageException(
            Kind.INVALID_ARGUMENT, certDir + ": --cert-dir is not a directory");
      }
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (X509TrustManager system : systemTrust()) {
        for (X509Certificate c : system.getAcceptedIssuers()) {
          trust.setCertificateEntry("system-" + n++, c);
        }
      }
      KeyManager[] keys = null;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(certDir)) {
        for (Path f : files) {
          String name = f.getFileName().toString();
          if (name.endsWith(".crt")) {
            try (InputStream in = Files.newInputStream(f)) {
              for (Certificate c : cf.generateCertificates(in)) {
                trust.setCertificateEntry("dir-" + n++, c);
              }
            }
          } else if (name.endsWith(".cert")) {
            Path key =
                f.resolveSibling(name.substring(0, name.length() - ".cert".length()) + ".key");
            if (!Files.isRegularFile(key)) {
              throw new ImageException(
                  Kind.INVALID_ARGUMENT,
                  f + ": client certificate without its key " + key.getFileName());
            }
            keys = clientKeys(cf, f, key);
          }
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      if (e instanceof ImageException ie) {
        throw ie;
      }
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          (certDir == null ? "TLS" : certDir.toString()) + ": cannot set up TLS: " + e.getMessage(),
          e);
    }
  }

  private static List<X509TrustManager> systemTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    List<X509TrustManager> out = new ArrayList<>();
    for (TrustManager t : tmf.getTrustManagers()) {
      if (t instanceof X509TrustManager x) {
        out.add(x);
      }
    }
    return out;
  }

  private static KeyManager[] clientKeys(CertificateFactory cf, Path certFile, Path keyFile)
      throws GeneralSecurityException, IOException {
    List<Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(certFile)) {
      chain.addAll(cf.generateCertificates(in));
    }
    String pem = Files.readString(keyFile);
    if (!pem.contains("BEGIN PRIVATE KEY")) {
      throw new ImageException(
          Kind.INVALID_ARGUMENT,
          keyFile
              + ": client key must be PEM PKCS#8 ('BEGIN PRIVATE KEY'); convert it with"
              + " 'openssl pkcs8 -topk8 -nocrypt'");
    }
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    String algorithm = ((X509Certificate) chain.get(0)).getPublicKey().getAlgorithm();
    PrivateKey key =
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf.getKeyManagers();
  }

  /**
   * A context that accepts every server certificate. The JDK checks the host name inside the trust
   * manager, so this one also accepts any name: that is what {@code --tls-verify=false} asks for.
   */
  static SSLContext trustingAll() throws ImageException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ImageException(Kind.INTERNAL, "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
