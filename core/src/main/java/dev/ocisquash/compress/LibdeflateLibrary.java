package dev.ocisquash.compress;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A loaded, self-tested libdeflate ({@code libdeflate.so.0}, Debian package {@code libdeflate0})
 * reached through JNA: the default gzip encoder's deflate ({@link LibdeflateMemberCompressor}).
 *
 * <p>Loaded like {@link IsalLibrary}, by {@link NativeLoader}: loading is kept apart from the
 * process-wide choice ({@link #shared()}) so that tests can try bogus paths, and every failure is
 * reported as a reason string, never thrown past {@link #tryLoad}; under {@link GzipEncoder#AUTO}
 * ISA-L or the JDK Deflater then takes over.
 */
final class LibdeflateLibrary {
  /**
   * System property: file name or absolute path of the library to load instead of the default
   * search.
   */
  static final String LIBRARY_PROPERTY = "ocisquash.libdeflate.library";

  /** The Debian package that ships the library, named in every "missing" message. */
  static final String DEBIAN_PACKAGE = "libdeflate0";

  /**
   * Tried in order. Without the -dev package there is no unversioned {@code libdeflate.so}, which
   * is what JNA looks for under the plain name "deflate"; the versioned file name goes to dlopen,
   * which searches the loader cache.
   */
  static final List<String> DEFAULT_NAMES = List.of("deflate", "libdeflate.so.0");

  /**
   * The part of libdeflate.h used here ({@code size_t} is {@code long} on the LP64 platforms
   * allowed). Buffers are native memory, so JNA copies no Java arrays per call.
   */
  interface Api extends Library {
    Pointer libdeflate_alloc_compressor(int level);

    long libdeflate_deflate_compress(
        Pointer compressor, Pointer in, long inBytes, Pointer out, long outAvail);

    long libdeflate_deflate_compress_bound(Pointer compressor, long inBytes);

    void libdeflate_free_compressor(Pointer compressor);
  }

  final Api api;
  private final String file;

  private LibdeflateLibrary(Api api, String file) {
    this.api = api;
    this.file = file;
  }

  /**
   * The loaded file, symlinks resolved (e.g. {@code /usr/lib/x86_64-linux-gnu/libdeflate.so.0}).
   */
  String file() {
    return file;
  }

  /**
   * For {@code --version}: "libdeflate (libdeflate.so.0)". libdeflate exports no version, and its
   * soname has stayed 0 across releases, so only the file is named; the pinned-bytes test notices a
   * release that changes the output.
   */
  String label() {
    return "libdeflate (" + new File(file).getName() + ")";
  }

  /**
   * Loads and self-tests one candidate.
   *
   * @param nameOrPath a JNA library name ("deflate"), a file name for dlopen ("libdeflate.so.0") or
   *     an absolute path
   * @return the library, or empty when it cannot be used (the reason is dropped; see {@link #load})
   */
  static Optional<LibdeflateLibrary> tryLoad(String nameOrPath) {
    return NativeLoader.tryLoad(nameOrPath, LibdeflateLibrary::load);
  }

  /**
   * Loads and self-tests one candidate ({@link NativeLoader}).
   *
   * @throws IOException with the reason when the library cannot be used
   */
  static LibdeflateLibrary load(String nameOrPath) throws IOException {
    return NativeLoader.load(
        nameOrPath, Api.class, LibdeflateLibrary::new, LibdeflateLibrary::selfTest);
  }

  /**
   * Compresses a small input as two members at every level the gzip levels map to, and reads them
   * back with the JDK. Proves the symbols and the calling convention on this library before any
   * layer depends on them.
   *
   * @return null when it works, otherwise what went wrong
   */
  private @Nullable String selfTest() {
    byte[] in = new byte[100_000];
    Random r = new Random(1);
    for (int i = 0; i < in.length; i++) {
      in[i] =
          (i / 4096) % 3 == 0
              ? (byte) r.nextInt()
              : (byte) "ocisquash libdeflate self-test\n".charAt(i % 31);
    }
    int half = in.length / 2;
    for (int level = 1; level <= 9; level++) {
      try (LibdeflateMemberCompressor c = new LibdeflateMemberCompressor(this, level)) {
        byte[] first = c.compress(Arrays.copyOf(in, half), half, null, false);
        byte[] second =
            c.compress(Arrays.copyOfRange(in, half, in.length), in.length - half, null, true);
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        byte[] back;
        try (InputStream g = new GZIPInputStream(new ByteArrayInputStream(joined))) {
          back = g.readAllBytes();
        }
        if (!Arrays.equals(in, back)) {
          return "level " + level + " output does not decompress back to its input";
        }
      } catch (IOException | RuntimeException | LinkageError e) {
        return "level " + level + ": " + e;
      }
    }
    return null;
  }

  /**
   * The process-wide library, loaded on first use; null when unavailable (see {@link
   * #unavailableReason()}).
   */
  static @Nullable LibdeflateLibrary shared() {
    return Shared.SEARCH.library();
  }

  /**
   * Why {@link #shared()} is null, e.g. "deflate: ... ; libdeflate.so.0: ..."; null when it is not.
   */
  static @Nullable String unavailableReason() {
    return Shared.SEARCH.reason();
  }

  /**
   * Lazy holder: the search runs once, on first use, and only when an encoder that may use
   * libdeflate is asked for.
   */
  private static final class Shared {
    static final LibrarySearch<LibdeflateLibrary> SEARCH =
        LibrarySearch.run(LIBRARY_PROPERTY, DEFAULT_NAMES, LibdeflateLibrary::load);
  }
}
