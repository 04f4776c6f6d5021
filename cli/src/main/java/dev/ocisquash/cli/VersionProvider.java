package dev.ocisquash.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version and the codecs in use, so a bug report says what ran. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "ocisquash " + (v == null ? "dev" : v),
      "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
      dev.ocisquash.compress.Compressors.describe() + "; zstd: zstd-jni"
    };
  }
}
