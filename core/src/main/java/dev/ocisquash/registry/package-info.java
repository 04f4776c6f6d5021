/**
 * The registry client (distribution spec v2): image references, credentials (docker {@code
 * config.json}, helpers), token and basic authentication, TLS, streamed blob downloads and uploads
 * with retries.
 *
 * <p>Uses only {@code model} (and the root package's {@code ImageException}); {@code archive}
 * adapts it to images ({@code RegistryBlobStore}, {@code RegistrySink}).
 *
 * <p>Start with {@link dev.ocisquash.registry.ImageRef} and {@link
 * dev.ocisquash.registry.RegistryClient}.
 */
@NullMarked
package dev.ocisquash.registry;

import org.jspecify.annotations.NullMarked;
