/**
 * Layer compression and decompression: gzip (libdeflate and ISA-L through JNA, the JDK's zlib as
 * the fallback), zstd (zstd-jni), parallel gzip in independent members, and detection of
 * compression by magic bytes, never by media type.
 *
 * <p>Depends on no other ocisquash package.
 *
 * <p>Start with {@link dev.ocisquash.compress.Compressors} and {@link
 * dev.ocisquash.compress.Decompressors} (the factories callers use), then {@link
 * dev.ocisquash.compress.ParallelGzipOutputStream} and {@link dev.ocisquash.compress.GzipEncoder}
 * (which gzip encoder; decided in one place, {@code GzipEncoderChoice}). The native libraries are
 * loaded by {@code NativeLoader}.
 */
@NullMarked
package dev.ocisquash.compress;

import org.jspecify.annotations.NullMarked;
