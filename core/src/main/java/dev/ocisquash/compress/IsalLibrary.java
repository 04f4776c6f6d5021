package dev.ocisquash.compress;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * A loaded, self-tested Intel ISA-L ({@code libisal.so.2}, Debian package {@code libisal2}) reached
 * through JNA: the gzip encoder's deflate ({@link IsalBlockCompressor}) and the gzip decoder's
 * inflate ({@link IsalGzipInputStream}).
 *
 * <p>Loading ({@link NativeLoader}, shared with libdeflate) is kept apart from the process-wide
 * choice ({@link #shared()}) so that tests can try bogus paths without changing which encoder the
 * process uses. Every failure (library missing, wrong architecture, JNA's own {@code
 * libjnidispatch} missing, a symbol missing, or the self-test's output not inflating back to its
 * input) is reported as a reason string, never thrown past {@link #tryLoad}: under {@link
 * GzipEncoder#AUTO} the JDK Deflater then takes over.
 */
final class IsalLibrary {
  /**
   * System property: file name or absolute path of the library to load instead of the default
   * search.
   */
  static final String LIBRARY_PROPERTY = "ocisquash.isal.library";

  /**
   * Tried in order. Without the -dev package there is no unversioned {@code libisal.so}, which is
   * what JNA looks for under the plain name "isal"; the versioned file name goes to dlopen, which
   * searches the loader cache.
   */
  static final List<String> DEFAULT_NAMES = List.of("isal", "libisal.so.2");

  /**
   * The part of igzip_lib.h used here. Pointers are to native memory: JNA copies no Java arrays per
   * call.
   */
  interface Api extends Library {
    void isal_deflate_init(Pointer stream);

    int isal_deflate_set_dict(Pointer stream, Pointer dict, int dictLen);

    int isal_deflate(Pointer stream);

    void isal_inflate_init(Pointer state);

    int isal_inflate(Pointer state);

    void isal_inflate_reset(Pointer state);

    int isal_inflate_set_dict(Pointer state, Pointer dict, int dictLen);
  }

  private static final Pattern SO_VERSION =
      Pattern.compile("libisal\\.so\\.(\\d+)\\.(\\d+)\\.(\\d+)$");

  final Api api;
  private final String file;
  private final @Nullable String version;

  private IsalLibrary(Api api, String file) {
    this.api = api;
    this.file = file;
    Matcher m = SO_VERSION.matcher(file);
    // libtool names ISA-L 2.30 libisal.so.2.0.30: the major, then the minor as libtool's revision.
    this.version = m.find() ? m.group(1) + "." + m.group(3) : null;
  }

  /**
   * The loaded file, symlinks resolved (e.g. {@code /usr/lib/x86_64-linux-gnu/libisal.so.2.0.30}).
   */
  String file() {
    return file;
  }

  /**
   * For {@code --version}: "ISA-L 2.30 (libisal.so.2.0.30)", the version read off the file name
   * when it can be.
   */
  String label() {
    String name = new File(file).getName();
    return version != null ? "ISA-L " + version + " (" + name + ")" : "ISA-L (" + name + ")";
  }

  /**
   * Loads and self-tests one candidate.
   *
   * @param nameOrPath a JNA library name ("isal"), a file name for dlopen ("libisal.so.2") or an
   *     absolute path
   * @return the library, or empty when it cannot be used (the reason is dropped; see {@link #load})
   */
  static Optional<IsalLibrary> tryLoad(String nameOrPath) {
    return NativeLoader.tryLoad(nameOrPath, IsalLibrary::load);
  }

  /**
   * Loads and self-tests one candidate ({@link NativeLoader}).
   *
   * @throws IOException with the reason when the library cannot be used
   */
  static IsalLibrary load(String nameOrPath) throws IOException {
    return NativeLoader.load(nameOrPath, Api.class, IsalLibrary::new, IsalLibrary::selfTest);
  }

  /**
   * Compresses a small input as three blocks (dictionary, sync flush, finish) at every ISA-L level
   * the gzip levels map to, and inflates the result with the JDK; then decompresses JDK-written
   * gzip with ISA-L ({@link IsalGunzipSelfTest#selfTest}). Proves the symbols, the struct layouts
   * and the completion checks on this library before any layer depends on them; a library failing
   * either half is not used for either.
   *
   * @return null when it works, otherwise what went wrong
   */
  private @Nullable String selfTest() {
    int blockLen = 40_000;
    byte[] in = new byte[3 * blockLen];
    Random r = new Random(1);
    for (int i = 0; i < in.length; i++) {
      in[i] =
          (i / 4096) % 3 == 0
              ? (byte) r.nextInt()
              : (byte) "ocisquash isa-l self-test\n".charAt(i % 26);
    }
    for (int isalLevel : IsalBlockCompressor.USED_LEVELS) {
      try (IsalBlockCompressor c = new IsalBlockCompressor(this, isalLevel)) {
        byte[] deflated = new byte[0];
        for (int b = 0; b < 3; b++) {
          byte[] block = Arrays.copyOfRange(in, b * blockLen, (b + 1) * blockLen);
          byte[] dict =
              b == 0
                  ? null
                  : Arrays.copyOfRange(
                      in, b * blockLen - ParallelGzipOutputStream.DICT_SIZE, b * blockLen);
          byte[] part = c.compress(block, blockLen, dict, b == 2);
          byte[] joined = Arrays.copyOf(deflated, deflated.length + part.length);
          System.arraycopy(part, 0, joined, deflated.length, part.length);
          deflated = joined;
        }
        Inflater inf = new Inflater(true);
        try {
          inf.setInput(deflated);
          byte[] back = new byte[in.length + 1];
          int n = inf.inflate(back);
          if (!inf.finished() || n != in.length || !Arrays.equals(in, 0, n, back, 0, n)) {
            return "level " + isalLevel + " output does not inflate back to its input";
          }
        } finally {
          inf.end();
        }
      } catch (DataFormatException | RuntimeException | LinkageError e) {
        return "level " + isalLevel + ": " + e;
      }
    }
    return IsalGunzipSelfTest.selfTest(this, in);
  }

  /**
   * The process-wide library, loaded on first use; null when unavailable (see {@link
   * #unavailableReason()}).
   */
  static @Nullable IsalLibrary shared() {
    return Shared.SEARCH.library();
  }

  /** Why {@link #shared()} is null, e.g. "isal: ... ; libisal.so.2: ..."; null when it is not. */
  static @Nullable String unavailableReason() {
    return Shared.SEARCH.reason();
  }

  /**
   * Lazy holder: the search runs once, on first use, and only when an encoder that may use ISA-L is
   * asked for.
   */
  private static final class Shared {
    static final LibrarySearch<IsalLibrary> SEARCH =
        LibrarySearch.run(LIBRARY_PROPERTY, DEFAULT_NAMES, IsalLibrary::load);
  }
}
