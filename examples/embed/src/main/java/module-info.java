/**
 * The example as a named module: it compiles and runs on the module path against {@code dev.ocisquash.core}, so it
 * can only use the packages that core exports.
 */
module example.embed {
  requires dev.ocisquash.core;

  exports example.embed;
}
