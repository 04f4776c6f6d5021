/**
 * ocisquash's library: reads docker save tarballs, OCI layouts and oci-archives (and registries),
 * flattens their layers, strips what containers never read, analyzes where the bytes go, and writes
 * reproducible images.
 *
 * <p>Entry points: {@link dev.ocisquash.squash.Squasher} (squash, strip, re-layer, push) and {@link
 * dev.ocisquash.report.Analyzer} (analyze). The exported packages are the ones whose types a user
 * meets in those calls, their options and their results: the root package ({@link
 * dev.ocisquash.ImageException}), {@code archive}, {@code compress}, {@code model}, {@code
 * packages} (installed packages and their removal, met in {@code StripResult}), {@code registry},
 * {@code report}, {@code squash}, {@code strip}, {@code tar} and {@code trace}. {@code
 * dev.ocisquash.layering} (the re-layering engine) is internal.
 */
module dev.ocisquash.core {
  // Jackson's tree types (ObjectNode, JsonNode) appear in exported signatures
  // (SourceImage.config(), Json).
  requires transitive com.fasterxml.jackson.databind;
  requires com.github.luben.zstd_jni;
  // JNA binds ISA-L and libdeflate when they are installed. An automatic module, but its name is
  // stable: JNA sets
  // Automatic-Module-Name. zstd-jni has a descriptor of its own.
  requires com.sun.jna;
  // Apache HttpClient 5 (classic) carries registry I/O; none of its types appears in the exported
  // API. Automatic
  // modules, named by their Automatic-Module-Name.
  requires org.apache.httpcomponents.client5.httpclient5;
  requires org.apache.httpcomponents.core5.httpcore5;
  // JSpecify's @NullMarked/@Nullable say where null is allowed in the API; a user's compiler and
  // checker read them
  // (transitive). Not needed at run time (static): annotations whose classes are absent are
  // ignored.
  requires static transitive org.jspecify;

  exports dev.ocisquash;
  exports dev.ocisquash.archive;
  exports dev.ocisquash.compress;
  exports dev.ocisquash.model;
  // InstalledPackage and RemovalPlan are in StripResult (--remove-package); PackageUsage is in
  // ImageAnalysis and
  // TraceRunner is the library side of ocisquash trace.
  exports dev.ocisquash.packages;
  exports dev.ocisquash.registry;
  exports dev.ocisquash.report;
  exports dev.ocisquash.squash;
  exports dev.ocisquash.strip;
  // TarEntry and TarEntryType are the metadata of an analyzed tree (FlattenedImage.Entry.meta(),
  // type()), and
  // TarReader/TarWriter are documented lower-level pieces.
  exports dev.ocisquash.tar;
  exports dev.ocisquash.trace;
}
