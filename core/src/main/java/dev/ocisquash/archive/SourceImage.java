package dev.ocisquash.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.compress.Compression;
import java.io.Closeable;
import java.util.List;

/**
 * One image chosen from an input archive: its config, manifest and layers. Blobs are read in place;
 * nothing is extracted. Obtain one with {@link ImageArchives#open}.
 */
public interface SourceImage extends Closeable {
  /** The input path, as given, for messages. */
  String source();

  /** The layout family of the input. */
  ArchiveFamily family();

  /** A fresh deep copy of the image config JSON, unknown fields included. */
  ObjectNode config();

  /**
   * A fresh deep copy of the image manifest JSON (for legacy docker archives, one synthesised from
   * manifest.json), unknown fields and annotations included.
   */
  ObjectNode manifest();

  /** Names the image carries: docker RepoTags, or OCI ref names. May be empty. */
  List<String> names();

  /** The layers, bottom first. */
  List<SourceLayer> layers();

  /** The compression most layers use; the default for the output. */
  Compression predominantCompression();
}
