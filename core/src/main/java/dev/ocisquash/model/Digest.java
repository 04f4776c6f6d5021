package dev.ocisquash.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:0123...}. Only sha256 and sha512 are accepted. */
public final class Digest implements Comparable<Digest> {
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  private final String algorithm;
  private final String hex;

  private Digest(String algorithm, String hex) {
    this.algorithm = algorithm;
    this.hex = hex;
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @throws IllegalArgumentException when the text is not a valid sha256 or sha512 digest
   */
  public static Digest parse(String text) {
    Objects.requireNonNull(text, "digest");
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("not a digest (no algorithm): '" + text + "'");
    }
    String alg = text.substring(0, colon);
    String hex = text.substring(colon + 1);
    if (alg.equals("sha256") && SHA256.matcher(hex).matches()) {
      return new Digest(alg, hex);
    }
    if (alg.equals("sha512") && SHA512.matcher(hex).matches()) {
      return new Digest(alg, hex);
    }
    throw new IllegalArgumentException("not a valid sha256/sha512 digest: '" + text + "'");
  }

  /** Builds a sha256 digest from raw hash bytes. */
  public static Digest sha256(byte[] hash) {
    StringBuilder sb = new StringBuilder(64);
    for (byte b : hash) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return new Digest("sha256", sb.toString().toLowerCase(Locale.ROOT));
  }

  /** The algorithm name, e.g. {@code sha256}. */
  public String algorithm() {
    return algorithm;
  }

  /** The lower-case hex encoding of the hash. */
  public String hex() {
    return hex;
  }

  /** The JDK MessageDigest algorithm name for this digest. */
  public String jdkAlgorithm() {
    return algorithm.equals("sha256") ? "SHA-256" : "SHA-512";
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.algorithm.equals(algorithm) && d.hex.equals(hex);
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
