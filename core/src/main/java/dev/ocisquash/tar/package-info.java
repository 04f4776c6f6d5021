/**
 * Our own tar reader and writer (ustar, GNU and PAX; names and values kept as raw bytes), whiteout
 * names ({@link dev.ocisquash.tar.Whiteouts}, a pure decision) and safe printing of entry names
 * ({@link dev.ocisquash.tar.PathNames}). Why our own rather than commons-compress: see {@link
 * dev.ocisquash.tar.TarReader}.
 *
 * <p>Uses only the root package ({@code ImageException}, and {@code EscapedNames} behind {@code
 * PathNames#display}).
 *
 * <p>Start with {@link dev.ocisquash.tar.TarReader} and {@link dev.ocisquash.tar.TarEntry}.
 */
@NullMarked
package dev.ocisquash.tar;

import org.jspecify.annotations.NullMarked;
