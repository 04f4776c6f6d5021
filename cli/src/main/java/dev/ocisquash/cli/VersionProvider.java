package dev.ocisquash.cli;

import dev.ocisquash.compress.Compressors;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.IVersionProvider;

/** Prints the version and the codecs in use, so a bug report says what ran. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    List<String> lines = new ArrayList<>();
    lines.add("ocisquash " + (v == null ? "dev" : v));
    lines.add(
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    lines.add(Compressors.describe() + "; zstd: zstd-jni");
    // A missing native library gets one plain line naming the package to install, not a loader
    // stack of errors.
    lines.addAll(Compressors.missingNativeCodecs());
    return lines.toArray(new String[0]);
  }
}
