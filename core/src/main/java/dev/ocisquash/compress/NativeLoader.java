package dev.ocisquash.compress;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one loader of the optional native libraries ({@link IsalLibrary}, {@link LibdeflateLibrary}):
 * binds a JNA interface to one candidate (a JNA library name, a file name for dlopen or an absolute
 * path), resolves the file it loaded, and runs the library's self-test. Every failure (library
 * missing, wrong architecture, JNA's own {@code libjnidispatch} missing, a symbol missing, a failed
 * self-test) becomes an {@link IOException} whose message is the reason, so that {@link
 * LibrarySearch} can keep it for the one-line note and {@link GzipEncoder#AUTO} can fall back.
 */
final class NativeLoader {
  private NativeLoader() {}

  /**
   * Loads and self-tests one candidate.
   *
   * @param nameOrPath a JNA library name, a file name for dlopen or an absolute path
   * @param api the JNA interface to bind
   * @param wrap builds the library object from the bound interface and the loaded file (symlinks
   *     resolved)
   * @param selfTest null when the library works, otherwise what went wrong
   * @throws IOException with the reason when the library cannot be used
   */
  static <A extends Library, L> L load(
      String nameOrPath, Class<A> api, BiFunction<A, String, L> wrap, Function<L, String> selfTest)
      throws IOException {
    if (nameOrPath.startsWith("/") && !new File(nameOrPath).isFile()) {
      // dlopen would say the same, but only after JNA has searched its own paths under variants of
      // the name.
      throw new IOException(nameOrPath + ": no such file");
    }
    L lib;
    try {
      // The struct offsets and size_t mappings assume LP64 (x86-64, aarch64).
      if (Native.POINTER_SIZE != 8) {
        throw new IOException(
            "only 64-bit platforms are supported, pointer size is " + Native.POINTER_SIZE);
      }
      A bound = Native.load(nameOrPath, api);
      File f = NativeLibrary.getInstance(nameOrPath).getFile();
      lib = wrap.apply(bound, f != null ? f.getCanonicalPath() : nameOrPath);
    } catch (LinkageError | RuntimeException e) {
      // UnsatisfiedLinkError (library or libjnidispatch missing, wrong architecture),
      // NoClassDefFoundError (JNA's
      // Native failed to initialise earlier in this process), or anything JNA throws while loading.
      throw new IOException(nameOrPath + ": " + e, e);
    }
    String failed = selfTest.apply(lib);
    if (failed != null) {
      throw new IOException(nameOrPath + ": self-test failed: " + failed);
    }
    return lib;
  }

  /**
   * One candidate loaded by {@code loader}, or empty when it cannot be used (the reason is
   * dropped).
   */
  static <L> Optional<L> tryLoad(String nameOrPath, LibrarySearch.Loader<L> loader) {
    try {
      return Optional.of(loader.load(nameOrPath));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
