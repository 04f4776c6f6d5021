package dev.ocisquash.compress;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The optional native libraries, with what a user needs to know when one is missing: its file, the
 * Debian package that installs it, and the property that points at another copy.
 */
enum NativeCodec {
  /** Intel ISA-L: gzip reading, and gzip level 1 writing. */
  ISAL("ISA-L", "libisal.so.2", "libisal2", IsalLibrary.LIBRARY_PROPERTY),
  /** libdeflate: gzip writing at every level but 1. */
  LIBDEFLATE(
      "libdeflate",
      "libdeflate.so.0",
      LibdeflateLibrary.DEBIAN_PACKAGE,
      LibdeflateLibrary.LIBRARY_PROPERTY);

  private final String displayName;
  private final String soname;
  private final String debianPackage;
  private final String libraryProperty;

  NativeCodec(String displayName, String soname, String debianPackage, String libraryProperty) {
    this.displayName = displayName;
    this.soname = soname;
    this.debianPackage = debianPackage;
    this.libraryProperty = libraryProperty;
  }

  /** The codec behind a native encoder. */
  static NativeCodec of(GzipEncoder encoder) {
    switch (encoder) {
      case ISAL:
        return ISAL;
      case LIBDEFLATE:
        return LIBDEFLATE;
      default:
        throw new IllegalArgumentException(encoder + " is not a native encoder");
    }
  }

  String displayName() {
    return displayName;
  }

  String soname() {
    return soname;
  }

  String debianPackage() {
    return debianPackage;
  }

  String libraryProperty() {
    return libraryProperty;
  }

  /** Whether the process-wide library loaded and passed its self-test; loads it on first call. */
  boolean usable() {
    return this == ISAL ? IsalLibrary.shared() != null : LibdeflateLibrary.shared() != null;
  }

  /** "ISA-L 2.30 (libisal.so.2.0.30)" or "libdeflate (libdeflate.so.0)"; null when not usable. */
  @Nullable String label() {
    if (this == ISAL) {
      IsalLibrary lib = IsalLibrary.shared();
      return lib == null ? null : lib.label();
    }
    LibdeflateLibrary lib = LibdeflateLibrary.shared();
    return lib == null ? null : lib.label();
  }

  /**
   * The full reason the library is not usable, one part per candidate tried; null when it is
   * usable.
   */
  @Nullable String unavailableReason() {
    return this == ISAL ? IsalLibrary.unavailableReason() : LibdeflateLibrary.unavailableReason();
  }

  /**
   * The reason in a few words for a one-line message: "libisal.so.2 not found" when no candidate
   * file exists (the usual case: the package is not installed), else the first line of the first
   * other failure, e.g. "libz.so.1: self-test failed: ...".
   */
  @Nullable String shortReason() {
    String reason = unavailableReason();
    if (reason == null) {
      return null;
    }
    // Every separator is followed by "name: ", so no part is empty.
    for (String part : reason.split("; (?=\\S+: )", -1)) {
      String firstLine = part.lines().findFirst().orElse("").strip();
      if (!isNotFound(part)) {
        return firstLine.length() > 160 ? firstLine.substring(0, 157) + "..." : firstLine;
      }
    }
    return soname + " not found";
  }

  private static boolean isNotFound(String part) {
    String p = part.toLowerCase(Locale.ROOT);
    return p.contains("no such file")
        || p.contains("cannot open shared object file")
        || p.contains("not found");
  }

  /**
   * One plain line for {@code --version} and run summaries, for a library that is not {@link
   * #usable()}, e.g. "libdeflate is missing (libdeflate.so.0 not found): gzip is written by ISA-L
   * instead; install the Debian package libdeflate0".
   *
   * @param consequence what runs instead, e.g. "gzip is written by ISA-L instead"
   */
  String missingLine(String consequence) {
    String why = Objects.requireNonNull(shortReason(), "missingLine of a usable library");
    String state =
        why.equals(soname + " not found")
            ? " is missing (" + why + ")"
            : " is not usable (" + why + ")";
    return displayName
        + state
        + ": "
        + consequence
        + "; install the Debian package "
        + debianPackage;
  }
}
