package dev.ocisquash.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocisquash.compress.Compression;
import org.junit.jupiter.api.Test;

/** The names of output formats and compressions, shared by the CLI and library callers. */
class FormatNamesTest {
  @Test
  void formatsAndAliases() {
    assertEquals(OutputFormat.DOCKER, OutputFormat.parse("Docker"));
    assertEquals(OutputFormat.OCI, OutputFormat.parse("oci-archive"));
    assertEquals(OutputFormat.OCI_DIR, OutputFormat.parse("oci-layout"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OutputFormat.parse("tar"));
    assertTrue(e.getMessage().contains("expected docker, oci or oci-dir"), e.getMessage());
  }

  @Test
  void compressionsAndAliases() {
    assertEquals(Compression.GZIP, Compression.parse("gz"));
    assertEquals(Compression.ZSTD, Compression.parse("ZSTD"));
    assertEquals(Compression.NONE, Compression.parse("uncompressed"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Compression.parse("lz4"));
    assertTrue(e.getMessage().contains("expected gzip, zstd or none"), e.getMessage());
  }
}
