package dev.ocisquash.archive;

/**
 * What a push to a registry sent and what it saved.
 *
 * @param uploaded blobs uploaded (new layers, the config, kept layers the registry could not mount)
 * @param uploadedBytes their bytes
 * @param mounted blobs mounted from the source repository on the same registry, not sent
 * @param present blobs the destination repository had already, not sent
 */
public record PushSummary(int uploaded, long uploadedBytes, int mounted, int present) {}
